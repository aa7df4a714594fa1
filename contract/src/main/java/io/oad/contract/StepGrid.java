package io.oad.contract;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The step grid of the wire contract: at {@code r} model steps per second, capture time {@code t}
 * (milliseconds since the epoch) lies in grid step {@code floor(t * r / 1000)}. The grid is fixed
 * to the epoch, not to a camera's first frame, so every stage computes the same steps from the
 * capture time alone: the detector assigns frames to steps with it, and an extractor told the same
 * rate can tell, before embedding, that a frame lands in a step one of its camera's earlier frames
 * already formed (such a frame is never used by a detector that predicts each step on its first
 * frame).
 */
public final class StepGrid {
  /**
   * Header of an embedding record whose extractor skipped the frames of already formed steps: the
   * step rate it assumed (decimal text, e.g. {@code 4.0}). A detector at another rate would miss
   * frames it uses, so it checks the header against its own rate.
   */
  public static final String RATE_HEADER = "oad.steps-per-second";

  private StepGrid() {}

  /** Longest {@link #RATE_HEADER} value read; a longer one is not a rate. */
  private static final int MAX_RATE_CHARS = 32;

  /**
   * The {@link #RATE_HEADER} for {@code stepsPerSecond}: one instance, made once, to add to every
   * record (headers are not modified once added).
   */
  public static Header rateHeader(double stepsPerSecond) {
    return new RecordHeader(
        RATE_HEADER, Double.toString(stepsPerSecond).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The rate in the last {@link #RATE_HEADER} of {@code headers}, or {@code NaN} when there is
   * none; a value that is not a positive finite number (or longer than a number) is {@code -1}.
   */
  public static double rate(Headers headers) {
    String text = FrameHeaders.getString(headers, RATE_HEADER);
    if (text == null) {
      return Double.NaN;
    }
    if (text.length() > MAX_RATE_CHARS) {
      return -1;
    }
    try {
      double rate = Double.parseDouble(text.trim());
      return rate > 0 && Double.isFinite(rate) ? rate : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The grid step of capture time {@code captureMs} at {@code stepsPerSecond} (> 0). Saturating:
   * any long gives a step between {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}.
   */
  public static long stepOf(long captureMs, double stepsPerSecond) {
    // exact for capture times of this era: t * r is an integer far below 2^53 for integral r, and
    // a quotient that is not an integer is at least 1/1000 away from one
    return (long) Math.floor(captureMs * stepsPerSecond / 1000.0);
  }

  /**
   * Steps from the grid step of {@code fromMs} to that of {@code toMs} (negative when {@code toMs}
   * lies in an earlier step), saturating.
   */
  public static long stepsBetween(long fromMs, long toMs, double stepsPerSecond) {
    return CaptureTimes.minus(stepOf(toMs, stepsPerSecond), stepOf(fromMs, stepsPerSecond));
  }
}
