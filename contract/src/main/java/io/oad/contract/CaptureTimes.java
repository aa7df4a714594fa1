package io.oad.contract;

/**
 * The capture-time rule of the wire contract, and saturating arithmetic for capture times. A
 * frame's capture time (its record timestamp, milliseconds since the epoch) anchors the detector's
 * step grid, so one absurd value could move that grid for good: every stage refuses a capture time
 * that is negative or further ahead of its own clock than a tolerance (a config key of each stage),
 * and adds or subtracts capture times only with {@link #plus} and {@link #minus}, which stop at
 * {@link Long#MIN_VALUE}/{@link Long#MAX_VALUE} instead of wrapping around. Old capture times are
 * accepted: replaying a recording is legitimate.
 */
public final class CaptureTimes {
  /** Default tolerance for capture times ahead of the receiving stage's clock: one minute. */
  public static final long DEFAULT_MAX_AHEAD_MS = 60_000;

  private CaptureTimes() {}

  /**
   * Why {@code captureMs} is refused at wall-clock time {@code nowMs}, or {@code null} when it is
   * acceptable.
   *
   * @param maxAheadMs how far ahead of {@code nowMs} a capture time may be, at least 0
   */
  public static String violation(long captureMs, long nowMs, long maxAheadMs) {
    if (captureMs < 0) {
      return "capture time " + captureMs + " is negative";
    }
    long ahead = minus(captureMs, nowMs);
    if (ahead > maxAheadMs) {
      return "capture time "
          + captureMs
          + " is "
          + (ahead == Long.MAX_VALUE ? "absurdly far" : ahead + " ms")
          + " ahead of clock "
          + nowMs
          + " (tolerance "
          + maxAheadMs
          + " ms)";
    }
    return null;
  }

  /** {@code a + b}, saturated to the range of {@code long}. */
  public static long plus(long a, long b) {
    long sum = a + b;
    // overflow iff both operands have the sign opposite to the result's
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  /** {@code a - b}, saturated to the range of {@code long}. */
  public static long minus(long a, long b) {
    long difference = a - b;
    // overflow iff the operands' signs differ and the result's sign differs from a's
    if (((a ^ b) & (a ^ difference)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return difference;
  }
}
