package io.oad.bench;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles of a sample of timings, as the benchmark tables report them. */
record Percentiles(int count, double p50, double p90, double p95, double p99, double max) {

  /** Validates that a non-empty sample produced finite values. */
  Percentiles {
    if (count <= 0) {
      throw new IllegalArgumentException("percentiles of an empty sample");
    }
  }

  /** Percentiles of the given values (any order). */
  static Percentiles of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("percentiles of an empty sample");
    }
    double[] s = values.clone();
    Arrays.sort(s);
    return new Percentiles(
        s.length, rank(s, 0.50), rank(s, 0.90), rank(s, 0.95), rank(s, 0.99), s[s.length - 1]);
  }

  /** Percentiles of the given values. */
  static Percentiles of(Collection<? extends Number> values) {
    return of(values.stream().mapToDouble(Number::doubleValue).toArray());
  }

  /** Nearest rank: the smallest value with at least {@code q} of the sample at or below it. */
  private static double rank(double[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
