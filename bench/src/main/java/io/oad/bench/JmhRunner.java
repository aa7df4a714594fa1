package io.oad.bench;

import io.oad.detector.OadtrConfig;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link DetectorJmh} and {@link MatmulJmh} and puts the detector's GFLOP/s next to the
 * matmul's.
 */
final class JmhRunner {
  private JmhRunner() {}

  static int run(PrintStream out) throws RunnerException {
    OptionsBuilder options = new OptionsBuilder();
    DetectorJmh.includes()
        .forEach(name -> options.include(java.util.regex.Pattern.quote(name) + "\\."));
    options.jvmArgsAppend(
        "-Dai.djl.offline=true", "-Doad.home=" + System.getProperty("oad.home", "."));
    Collection<RunResult> results = new Runner(options.build()).run();
    double matmulMs = Double.NaN;
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith("MatmulJmh.matmul")) {
        matmulMs = r.getPrimaryResult().getScore();
      }
    }
    double peak = MatmulJmh.FLOP / (matmulMs / 1000.0) / 1e9;
    double flop = OadtrFlops.flopsPerPrediction(OadtrConfig.thumos());
    out.printf(Locale.ROOT, "%nmatmul 1024x1024: %.2f ms = %.1f GFLOP/s%n", matmulMs, peak);
    out.printf(
        Locale.ROOT,
        "%-8s %12s %12s %10s %8s%n",
        "batch",
        "ms/call",
        "ms/pred",
        "GFLOP/s",
        "% peak");
    for (RunResult r : results) {
      if (!r.getParams().getBenchmark().endsWith("DetectorJmh.predict")) {
        continue;
      }
      int batch = Integer.parseInt(r.getParams().getParam("batch"));
      double ms = r.getPrimaryResult().getScore();
      double gflops = flop * batch / (ms / 1000.0) / 1e9;
      out.printf(
          Locale.ROOT,
          "%-8d %12.1f %12.1f %10.1f %7.0f%%%n",
          batch,
          ms,
          ms / batch,
          gflops,
          100 * gflops / peak);
    }
    return 0;
  }
}
