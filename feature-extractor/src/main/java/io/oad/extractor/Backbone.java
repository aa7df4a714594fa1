package io.oad.extractor;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a batch of frames into one fixed-size embedding each. Implementations hold native model
 * resources and are thread-confined: create one per thread and {@link #close()} it.
 */
public interface Backbone extends AutoCloseable {
  /**
   * Identifies the network and its version, e.g. {@code pooled-pixels-rp-v1}; it is written into
   * every {@link io.oad.contract.Embedding} so consumers can refuse vectors from another backbone.
   */
  String id();

  /** Length of every embedding this backbone returns. */
  int dimension();

  /**
   * Embeds a batch in one forward pass.
   *
   * @param images frames of any sizes, at least one
   * @return one row of length {@link #dimension()} per image, in input order
   */
  float[][] embed(List<BufferedImage> images);

  /**
   * Embeds a batch of frames that may carry their camera's previous frame. Stateless backbones
   * ignore the previous frames: by default this is {@link #embed} of the current frames.
   *
   * @param frames frames of any sizes, at least one
   * @return one row of length {@link #dimension()} per frame, in input order
   */
  default float[][] embedFrames(List<FrameInput> frames) {
    List<BufferedImage> currents = new ArrayList<>(frames.size());
    for (FrameInput frame : frames) {
      currents.add(frame.current());
    }
    return embed(currents);
  }

  /**
   * Whether {@link #embedFrames} looks at previous frames; callers need not keep them otherwise.
   */
  default boolean usesPreviousFrame() {
    return false;
  }

  /**
   * The size every frame is scaled to before it reaches the network, or {@code null} when the
   * backbone has none. The extractor decodes a large frame subsampled, but never below twice this
   * size, and keeps previous frames no larger than needed.
   */
  default Dimension inputSize() {
    return null;
  }

  /** Releases native memory; the backbone is unusable afterwards. */
  @Override
  void close();
}
