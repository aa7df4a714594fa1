package io.oad.training.eval;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One ground-truth action instance (a maximal run of frames with the same action label) and how
 * long the detector took to recognise it.
 *
 * @param videoId the video the instance belongs to
 * @param classIndex the action class
 * @param start index of the first frame
 * @param length number of frames
 * @param delaySteps steps from the first frame until the predicted top class first equals the
 *     action inside the instance (0 = recognised on the first frame); empty if never
 */
public record ActionInstance(
    String videoId, int classIndex, int start, int length, OptionalInt delaySteps) {

  public ActionInstance {
    Objects.requireNonNull(videoId, "videoId");
    Objects.requireNonNull(delaySteps, "delaySteps");
    if (start < 0 || length < 1) {
      throw new IllegalArgumentException(
          "instance needs start >= 0 and length >= 1, got " + start + ", " + length);
    }
    if (delaySteps.isPresent() && (delaySteps.getAsInt() < 0 || delaySteps.getAsInt() >= length)) {
      throw new IllegalArgumentException(
          "delay " + delaySteps.getAsInt() + " outside the instance of length " + length);
    }
  }

  /** True if the detector recognised the action before the instance ended. */
  public boolean detected() {
    return delaySteps.isPresent();
  }
}
