package io.oad.deploy;

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
    sb.append(String.format(Locale.ROOT, "  %d ms", p.latencyMs()));
    return sb.toString();
  }
}
