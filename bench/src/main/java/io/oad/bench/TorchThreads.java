package io.oad.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Reads and changes libtorch's intra-op thread count of this process at run time (the {@code
 * ai.djl.pytorch.num_threads} property and {@code OMP_NUM_THREADS} only set its starting value).
 */
final class TorchThreads {
  private TorchThreads() {}

  /** Loads the PyTorch engine if needed and returns its current intra-op thread count. */
  static int current() {
    Engine.getEngine("PyTorch");
    return JniUtils.getNumThreads();
  }

  /** Sets the intra-op thread count; returns the previous one. */
  static int set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    int previous = current();
    JniUtils.setNumThreads(threads);
    return previous;
  }
}
