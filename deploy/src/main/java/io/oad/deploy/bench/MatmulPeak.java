package io.oad.deploy.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The reference rate: GFLOP/s of a large fp32 matrix product ({@code n × n} by {@code n × n}) on
 * the PyTorch engine with the current thread setting. A model that reaches a good share of it
 * spends its time in well-shaped products; a low share means overhead (small products, copies, the
 * JNI hop).
 */
final class MatmulPeak {
  private MatmulPeak() {}

  /** Result: the product side, how many were timed, the median time and the rate. */
  record Result(int size, int iterations, double medianMs, double gflopsPerSecond) {}

  /** Times {@code iterations} products after {@code warmup} untimed ones; rate from the median. */
  static Result measure(int size, int warmup, int iterations) {
    if (size < 1 || iterations < 1 || warmup < 0) {
      throw new IllegalArgumentException("need size >= 1, iterations >= 1, warmup >= 0");
    }
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray a = manager.randomUniform(-1f, 1f, new Shape(size, size));
      NDArray b = manager.randomUniform(-1f, 1f, new Shape(size, size));
      double[] ms = new double[iterations];
      for (int i = 0; i < warmup + iterations; i++) {
        long start = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          c.getFloat(0, 0); // CPU products are synchronous; this also keeps the result alive
        }
        if (i >= warmup) {
          ms[i - warmup] = (System.nanoTime() - start) / 1e6;
        }
      }
      double median = Percentiles.of(ms).p50();
      double flops = 2.0 * size * size * (double) size;
      return new Result(size, iterations, median, flops / (median / 1000.0) / 1e9);
    }
  }
}
