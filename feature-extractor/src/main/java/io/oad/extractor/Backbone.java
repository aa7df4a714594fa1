package io.oad.extractor;

import java.awt.image.BufferedImage;
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

  /** Releases native memory; the backbone is unusable afterwards. */
  @Override
  void close();
}
