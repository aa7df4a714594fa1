package io.oad.extractor;

import java.util.Objects;

/**
 * The two inputs of {@link TwoStreamBackbone} for one frame, already resized and normalised, in
 * planar (channel, row, column) order.
 *
 * @param rgb the current frame, 3 x height x width, each channel normalised to about [-2, 2]
 * @param motion the signed grey-level change since the previous frame, 1 x height x width, scaled
 *     so that a full black-to-white change is 4; all zeros without a previous frame
 */
public record FrameTensor(float[] rgb, float[] motion) {
  /** Checks that the arrays are present and of matching plane sizes. */
  public FrameTensor {
    Objects.requireNonNull(rgb, "rgb");
    Objects.requireNonNull(motion, "motion");
    if (rgb.length != 3 * motion.length || motion.length == 0) {
      throw new IllegalArgumentException(
          "rgb must hold 3 planes of the motion plane's size: "
              + rgb.length
              + " vs "
              + motion.length);
    }
  }
}
