package io.oad.deploy;

import io.oad.contract.ActionEvent;
import io.oad.contract.FutureStep;
import io.oad.contract.Prediction;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Formats one prediction as a console line: camera, capture time, current action and score, top
 * anticipated action.
 */
final class PredictionLine {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private PredictionLine() {}

  static String format(Prediction p, double stepSeconds) {
    return format(p, stepSeconds, null);
  }

  /**
   * As {@link #format(Prediction, double)}, with the ground-truth action in brackets when known.
   */
  static String format(Prediction p, double stepSeconds, String truth) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-10s %s  #%-5d now %-12s %.2f",
            p.camera(),
            TIME.format(Instant.ofEpochMilli(p.captureTimeMs())),
            p.step(),
            p.action(),
            p.score()));
    if (truth != null) {
      sb.append(
          String.format(Locale.ROOT, " [%-10s %s]", truth, truth.equals(p.action()) ? "ok" : "--"));
    }
    FutureStep f = p.topFuture();
    if (f != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  next %-12s %.2f (+%.2fs)",
              f.action(),
              f.score(),
              f.offset() * stepSeconds));
    }
    if (!p.warm()) {
      sb.append("  [warming up]");
    }
    if (p.latencyMs() >= 0) { // negative when files play faster than real time: not a latency
      sb.append(String.format(Locale.ROOT, "  %d ms", p.latencyMs()));
    }
    return sb.toString();
  }

  static String format(ActionEvent e) {
    String when = TIME.format(Instant.ofEpochMilli(e.startTimeMs()));
    return switch (e.type()) {
      case ACTION_STARTED ->
          String.format(
              Locale.ROOT,
              "%-10s %s  EVENT %s started (peak %.2f)",
              e.camera(),
              when,
              e.action(),
              e.peakScore());
      case ACTION_ENDED ->
          String.format(
              Locale.ROOT,
              "%-10s %s  EVENT %s ended after %.1f s (peak %.2f)",
              e.camera(),
              when,
              e.action(),
              (e.endTimeMs() - e.startTimeMs()) / 1000.0,
              e.peakScore());
      case ACTION_ANTICIPATED ->
          String.format(
              Locale.ROOT,
              "%-10s %s  EVENT %s anticipated in %.2f s (%.2f)",
              e.camera(),
              when,
              e.action(),
              (e.endTimeMs() - e.startTimeMs()) / 1000.0,
              e.peakScore());
      default -> String.format(Locale.ROOT, "%-10s %s  EVENT %s", e.camera(), when, e.type());
    };
  }
}
