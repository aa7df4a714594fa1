package io.oad.contract;

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
  private StepGrid() {}

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
