package io.oad.datasets.compose;

import java.util.Optional;

/**
 * A run of frames of one label in a composed stream: a clip, or a background gap.
 *
 * @param start first frame, inclusive
 * @param end last frame, exclusive
 * @param label class id (0 = background)
 * @param labelName class name
 * @param clipPath the clip's manifest path, empty for a background gap
 */
public record Segment(int start, int end, int label, String labelName, Optional<String> clipPath) {
  /** Validates the interval. */
  public Segment {
    if (start < 0 || end <= start || label < 0 || labelName == null || clipPath == null) {
      throw new IllegalArgumentException(
          "bad segment [" + start + ", " + end + ") label " + label + " " + labelName);
    }
  }

  /** Number of frames. */
  public int frames() {
    return end - start;
  }

  /** Whether this is a background gap. */
  public boolean isBackground() {
    return clipPath.isEmpty();
  }
}
