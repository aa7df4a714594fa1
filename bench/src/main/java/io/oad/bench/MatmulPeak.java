package io.oad.bench;

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

  /**
   * Result: the product side, how many were timed, the median and best times, and the rate of the
   * best time (a capacity: on a shared machine other work only ever slows a product down).
   */
  public record Result(
      int size, int iterations, double medianMs, double bestMs, double gflopsPerSecond) {
    /** The faster of two measurements of the same reference. */
    Result best(Result other) {
      return other.gflopsPerSecond > gflopsPerSecond ? other : this;
    }
  }

  /** Times {@code iterations} products after {@code warmup} untimed ones; rate from the best. */
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
      double best = java.util.Arrays.stream(ms).min().orElseThrow();
      double flops = 2.0 * size * size * (double) size;
      return new Result(size, iterations, median, best, flops / (best / 1000.0) / 1e9);
    }
  }
}
