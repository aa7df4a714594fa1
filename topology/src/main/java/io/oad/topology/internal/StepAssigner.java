package io.oad.topology.internal;

import io.oad.contract.CaptureTimes;
import io.oad.topology.StepTiming;
import java.util.Objects;

/**
 * Decides, from a camera's {@link WindowMeta} alone, what one frame does to the camera's step grid.
 * Pure logic, so each rule of the time semantics is testable without Kafka. Rules, in order:
 *
 * <ol>
 *   <li>no (usable) state, or state written for another model shape: {@link Kind#FIRST};
 *   <li>sequence 0 after a higher sequence: {@link Kind#RESTART}, unless it is the very frame that
 *       anchored the grid seen again (captured at the anchor, before the open frame), which is a
 *       duplicate;
 *   <li>a sequence already seen: {@link Kind#DUPLICATE};
 *   <li>a frame more than {@code gapMaxSteps} missing steps before the open step (a camera whose
 *       clock or file restarted, e.g. a recording replayed under the same camera id): {@link
 *       Kind#RESTART};
 *   <li>a step before the open one, or the open one already predicted by the idle close: {@link
 *       Kind#LATE};
 *   <li>the open step: {@link Kind#SAME_STEP} (the frame replaces the step's vector when it was
 *       captured no earlier than the step's current frame, {@link Decision#replaces()});
 *   <li>a later step within {@code gapMaxSteps} missing steps: {@link Kind#NEXT_STEP};
 *   <li>a later step after a longer gap: {@link Kind#GAP_RESET}.
 * </ol>
 */
public final class StepAssigner {
  /** What a frame does. */
  public enum Kind {
    FIRST,
    RESTART,
    DUPLICATE,
    LATE,
    SAME_STEP,
    NEXT_STEP,
    GAP_RESET
  }

  /**
   * @param kind what the frame does
   * @param step the frame's step on the current grid (0 for FIRST, RESTART and GAP_RESET)
   * @param missingSteps steps between the open step and this one that no frame formed
   * @param replaces for SAME_STEP: whether the frame becomes the step's frame
   */
  public record Decision(Kind kind, long step, long missingSteps, boolean replaces) {}

  private final StepTiming timing;

  /** An assigner for this timing. */
  public StepAssigner(StepTiming timing) {
    this.timing = Objects.requireNonNull(timing, "timing");
  }

  /** Classifies frame {@code sequence} captured at {@code captureMs}. */
  public Decision classify(
      WindowMeta meta, int window, int dimension, long sequence, long captureMs) {
    if (meta == null || !meta.fits(window, dimension)) {
      return new Decision(Kind.FIRST, 0, 0, true);
    }
    if (sequence == 0
        && meta.highestSequence() > 0
        && (captureMs >= meta.openCaptureMs() || captureMs != meta.anchorMs())) {
      return new Decision(Kind.RESTART, 0, 0, true);
    }
    if (meta.seen(sequence)) {
      return new Decision(Kind.DUPLICATE, -1, 0, false);
    }
    long step = timing.stepOf(meta.anchorMs(), captureMs);
    // saturating: a step near Long.MIN_VALUE must not wrap around to "far ahead"
    long missingBefore = CaptureTimes.minus(CaptureTimes.minus(meta.openStep(), step), 1);
    if (missingBefore > timing.gapMaxSteps()) {
      return new Decision(Kind.RESTART, 0, 0, true);
    }
    if (step < meta.openStep() || (step == meta.openStep() && meta.openEmitted())) {
      return new Decision(Kind.LATE, step, 0, false);
    }
    if (step == meta.openStep()) {
      return new Decision(Kind.SAME_STEP, step, 0, captureMs >= meta.openCaptureMs());
    }
    long missing = step - meta.openStep() - 1;
    if (missing > timing.gapMaxSteps()) {
      return new Decision(Kind.GAP_RESET, 0, missing, true);
    }
    return new Decision(Kind.NEXT_STEP, step, missing, true);
  }
}
