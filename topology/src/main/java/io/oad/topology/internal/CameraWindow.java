package io.oad.topology.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Per-camera state kept in the {@code camera-windows} store: the most recent steps (oldest first),
 * how many steps were seen since the camera's stream (re)started, and the last processed sequence.
 * Immutable; the float arrays are not copied, callers must not modify them.
 *
 * @param stepsSeen number of steps processed since the stream (re)started
 * @param lastSequence sequence number of the last processed embedding
 * @param steps the most recent steps, oldest first, all of one dimension
 */
public record CameraWindow(long stepsSeen, long lastSequence, List<float[]> steps) {
  /** Validates the fields and makes the list unmodifiable. */
  public CameraWindow {
    Objects.requireNonNull(steps, "steps");
    if (stepsSeen < steps.size()) {
      throw new IllegalArgumentException(
          "stepsSeen " + stepsSeen + " is smaller than the " + steps.size() + " steps held");
    }
    if (lastSequence < 0) {
      throw new IllegalArgumentException("negative lastSequence " + lastSequence);
    }
    int dim = steps.isEmpty() ? 0 : steps.get(0).length;
    for (float[] s : steps) {
      if (s.length != dim) {
        throw new IllegalArgumentException(
            "steps of different dimensions: " + dim + " and " + s.length);
      }
    }
    steps = Collections.unmodifiableList(new ArrayList<>(steps));
  }

  /** A window with a single step: the first one after a (re)start. */
  public static CameraWindow first(long sequence, float[] step) {
    return new CameraWindow(1, sequence, List.of(step));
  }

  /**
   * The window after one more step, keeping at most {@code maxSteps} steps.
   *
   * @throws IllegalArgumentException if {@code step}'s dimension differs from the held steps'
   */
  public CameraWindow append(long sequence, float[] step, int maxSteps) {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be >= 1, got " + maxSteps);
    }
    List<float[]> next = new ArrayList<>(Math.min(steps.size() + 1, maxSteps));
    int keep = Math.min(steps.size(), maxSteps - 1);
    next.addAll(steps.subList(steps.size() - keep, steps.size()));
    next.add(step);
    return new CameraWindow(stepsSeen + 1, sequence, next);
  }

  /** Dimension of the held steps, 0 when none are held. */
  public int dimension() {
    return steps.isEmpty() ? 0 : steps.get(0).length;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CameraWindow w)
        || stepsSeen != w.stepsSeen
        || lastSequence != w.lastSequence
        || steps.size() != w.steps.size()) {
      return false;
    }
    for (int i = 0; i < steps.size(); i++) {
      if (!Arrays.equals(steps.get(i), w.steps.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(stepsSeen) * 31 + Long.hashCode(lastSequence);
    for (float[] s : steps) {
      h = h * 31 + Arrays.hashCode(s);
    }
    return h;
  }

  @Override
  public String toString() {
    return "CameraWindow[stepsSeen="
        + stepsSeen
        + ", lastSequence="
        + lastSequence
        + ", held="
        + steps.size()
        + ", dim="
        + dimension()
        + "]";
  }
}
