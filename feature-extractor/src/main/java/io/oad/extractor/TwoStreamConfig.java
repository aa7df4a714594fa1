package io.oad.extractor;

import java.util.List;

/**
 * The shape of a {@link TwoStreamNetwork}: input size, the channels of each convolution stage of
 * both streams, the embedding length and the number of classes of the training head.
 *
 * @param width input width in pixels, divisible by 2^stages
 * @param height input height in pixels, divisible by 2^stages
 * @param channels output channels of each 3x3 conv + BatchNorm + ReLU + 2x2 max-pool stage
 * @param dimension embedding length
 * @param classes classes of the training head (background + actions)
 */
public record TwoStreamConfig(
    int width, int height, List<Integer> channels, int dimension, int classes) {

  /** The shipped shape: 64x48 inputs, stages of 16, 32, 48 and 64 channels, 128-d, 11 classes. */
  public static TwoStreamConfig defaults() {
    return new TwoStreamConfig(64, 48, List.of(16, 32, 48, 64), 128, 11);
  }

  /** Validates the shape. */
  public TwoStreamConfig {
    channels = List.copyOf(channels);
    if (channels.isEmpty() || channels.size() > 5) {
      throw new IllegalArgumentException("1..5 conv stages expected: " + channels);
    }
    for (int c : channels) {
      if (c < 1 || c > 512) {
        throw new IllegalArgumentException("channels must be in 1..512: " + channels);
      }
    }
    int reduction = 1 << channels.size();
    if (width < reduction
        || height < reduction
        || width % reduction != 0
        || height % reduction != 0) {
      throw new IllegalArgumentException(
          "input "
              + width
              + "x"
              + height
              + " must be divisible by "
              + reduction
              + " for "
              + channels.size()
              + " pooling stages");
    }
    if (dimension < 1 || dimension > io.oad.contract.Embedding.MAX_DIMENSION) {
      throw new IllegalArgumentException("bad dimension " + dimension);
    }
    if (classes < 2) {
      throw new IllegalArgumentException("at least 2 classes expected: " + classes);
    }
  }

  /** Features per stream after the last stage, flattened. */
  int streamFeatures() {
    int reduction = 1 << channels.size();
    return channels.get(channels.size() - 1) * (width / reduction) * (height / reduction);
  }
}
