package io.oad.topology;

import io.oad.contract.CaptureTimes;
import io.oad.contract.StepGrid;

/**
 * How frames map onto model steps by capture time. Steps are those of the contract's epoch-fixed
 * {@link StepGrid}: frame time {@code t} lies in grid step {@code floor(t / stepMs)}. A camera's
 * step numbers count from the grid step of its first frame after a (re)start (its anchor), so a
 * frame at {@code t} is step {@code floor(t / stepMs) - floor(anchor / stepMs)}. Because the grid
 * does not depend on where a camera started, an extractor that knows the rate can skip the frames
 * that land in an already formed step.
 *
 * @param stepsPerSecond model steps per second of capture time (OadTR: 4)
 * @param gapMaxSteps how many steps without a frame are padded by repeating the last step; a longer
 *     gap resets the camera's window (cold start again)
 * @param idleCloseMs wall-clock silence after which a camera's open step is closed and predicted
 *     without waiting for a frame of a later step; 0 disables it
 * @param emitOnFirstFrame true: a step is predicted as soon as its first frame arrives (no added
 *     latency; later frames of that step are dropped as {@code extra_frame}); false: the step is
 *     predicted when it closes, from its last frame (up to one step of added latency)
 * @param maxLagMs bound on how far behind the wall clock a frame may be when the detector reaches
 *     it: an embedding captured more than this before it is processed is not applied (dropped as
 *     {@code stale}, so its step becomes a missing step, padded or a reset like any gap); 0
 *     disables it (every frame is used however late)
 */
public record StepTiming(
    double stepsPerSecond,
    int gapMaxSteps,
    long idleCloseMs,
    boolean emitOnFirstFrame,
    long maxLagMs) {
  /** Largest accepted rate: one step per millisecond. */
  public static final double MAX_STEPS_PER_SECOND = 1000.0;

  /** Validates the fields. */
  public StepTiming {
    if (!(stepsPerSecond > 0) || stepsPerSecond > MAX_STEPS_PER_SECOND) {
      throw new IllegalArgumentException(
          "stepsPerSecond must be in (0, " + MAX_STEPS_PER_SECOND + "], got " + stepsPerSecond);
    }
    if (gapMaxSteps < 0) {
      throw new IllegalArgumentException("gapMaxSteps must be >= 0, got " + gapMaxSteps);
    }
    if (idleCloseMs < 0) {
      throw new IllegalArgumentException("idleCloseMs must be >= 0, got " + idleCloseMs);
    }
    if (maxLagMs < 0) {
      throw new IllegalArgumentException("maxLagMs must be >= 0, got " + maxLagMs);
    }
  }

  /** A timing without a lag bound. */
  public StepTiming(
      double stepsPerSecond, int gapMaxSteps, long idleCloseMs, boolean emitOnFirstFrame) {
    this(stepsPerSecond, gapMaxSteps, idleCloseMs, emitOnFirstFrame, 0L);
  }

  /** A copy with the lag bound {@code maxLagMs} (0 = none). */
  public StepTiming withMaxLagMs(long maxLagMs) {
    return new StepTiming(stepsPerSecond, gapMaxSteps, idleCloseMs, emitOnFirstFrame, maxLagMs);
  }

  /**
   * Whether a frame captured at {@code captureMs} is too old to use at wall-clock {@code nowMs}.
   */
  public boolean stale(long captureMs, long nowMs) {
    return maxLagMs > 0 && CaptureTimes.minus(nowMs, captureMs) > maxLagMs;
  }

  /** A timing that predicts a step when it closes, from its last frame. */
  public StepTiming(double stepsPerSecond, int gapMaxSteps, long idleCloseMs) {
    this(stepsPerSecond, gapMaxSteps, idleCloseMs, false);
  }

  /**
   * 4 steps per second, gaps of up to 8 steps (2 s) padded, each step predicted on its first frame
   * (open steps of the other mode closed after 1 s idle).
   */
  public static StepTiming defaults() {
    return new StepTiming(4.0, 8, 1_000L, true);
  }

  /** Length of one step in milliseconds (may be fractional). */
  public double stepMs() {
    return 1000.0 / stepsPerSecond;
  }

  /**
   * The step of capture time {@code t} counted from the grid step of {@code anchorMs} (0 for any
   * time in the anchor's grid step, negative before it). Saturating: any two longs give a step
   * between {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}, never a wrapped-around one.
   */
  public long stepOf(long anchorMs, long t) {
    return StepGrid.stepsBetween(anchorMs, t, stepsPerSecond);
  }

  /**
   * Milliseconds covered by {@code steps} steps, rounded to the nearest millisecond (saturating at
   * the long range).
   */
  public long millis(long steps) {
    return Math.round(steps * stepMs());
  }
}
