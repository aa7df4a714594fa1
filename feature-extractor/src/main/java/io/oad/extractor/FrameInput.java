package io.oad.extractor;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One frame to embed, with the frame the same camera sent just before it, so that a backbone can
 * see motion.
 *
 * @param current the frame to embed
 * @param previous the camera's previous frame (sequence one less), or {@code null} at a camera's
 *     first frame, after a gap in sequence numbers or after a restart
 */
public record FrameInput(BufferedImage current, BufferedImage previous) {
  /** Checks that there is a current frame. */
  public FrameInput {
    Objects.requireNonNull(current, "current");
  }

  /** A frame without a previous one. */
  public static FrameInput of(BufferedImage current) {
    return new FrameInput(current, null);
  }
}
