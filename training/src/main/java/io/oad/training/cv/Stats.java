package io.oad.training.cv;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * Mean, sample standard deviation (n - 1 in the denominator; 0 for a single value), minimum and
 * maximum of the defined (finite) values of a metric over folds; n counts them. All NaN when no
 * value is defined.
 */
public record Stats(int n, double mean, double std, double min, double max) {

  /** The statistics of the finite values. */
  public static Stats of(Collection<Double> values) {
    double[] v =
        values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
    if (v.length == 0) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double mean = Arrays.stream(v).average().orElseThrow();
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double std = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
    return new Stats(
        v.length,
        mean,
        std,
        Arrays.stream(v).min().orElseThrow(),
        Arrays.stream(v).max().orElseThrow());
  }

  /** {@code "0.812 ± 0.034 [0.760–0.850]"} with {@code digits} decimals; "n/a" without values. */
  public String format(int digits) {
    if (n == 0) {
      return "n/a";
    }
    String f = "%." + digits + "f";
    return String.format(
        Locale.ROOT, f + " ± " + f + " [" + f + "–" + f + "]", mean, std, min, max);
  }
}
