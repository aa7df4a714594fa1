package io.oad.bench;

import io.oad.detector.Detector;
import io.oad.detector.OadtrConfig;
import io.oad.detector.OadtrVariant;
import io.oad.detector.StreamingDetector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Part 1 of {@code oad bench}: milliseconds per prediction of the detector alone (no Kafka) at
 * several batch sizes and libtorch thread counts, and the share of the large-matmul rate it
 * reaches.
 */
final class DetectorBench {
  /**
   * Default one-core fp32 limit (GFLOP/s) of {@code percentOfLimit}: what one core of the
   * development machine does in an OpenBLAS 1024² matmul when the machine is quiet.
   */
  static final double DEFAULT_LIMIT_GFLOPS = 195.0;

  /** A model to measure: a label for the table and a way to build it (built once, then closed). */
  record Subject(String name, Supplier<Detector> factory) {}

  /** One libtorch thread setting: the reference matmul rate measured with it. */
  record Peak(int threads, MatmulPeak.Result matmul) {}

  /**
   * One row of the table.
   *
   * @param callMs median / p90 wall time of one {@code predict} call of the whole batch
   * @param msPerPrediction median call time divided by the batch
   * @param p90MsPerPrediction p90 call time divided by the batch
   * @param gflopsPerSecond analytic FLOPs per prediction × predictions per second (median)
   * @param percentOfMatmul that rate over the best matmul reference rate at the same thread count
   * @param officialMsPerPrediction the official code's median ms per prediction of the same model
   *     at the same threads and batch ({@link OfficialBench}), null when not measured
   * @param oursOverOfficial {@code msPerPrediction / officialMsPerPrediction} (below 1: ours is
   *     faster), null when not measured
   * @param bestMsPerPrediction the fastest call divided by the batch: on a shared machine other
   *     work only ever slows a call down, so this is the steadiest figure under load
   * @param percentOfLimit analytic GFLOP/s of the fastest call over a FIXED limit ({@code
   *     limitGflopsPerSecond}), unlike {@code percentOfMatmul}, whose reference swings with load
   * @param limitGflopsPerSecond the fixed fp32 limit at this thread count (per-thread limit ×
   *     threads)
   * @param officialBestMsPerPrediction the official code's fastest call divided by the batch, null
   *     when not measured
   * @param bestCpuMsPerPrediction the least CPU time of one call divided by the batch (the calling
   *     thread's at one thread, where libtorch runs every operator on it; the whole process's
   *     above): the work a prediction costs, without the time spent waiting for a core
   * @param cpuPercentOfLimit analytic GFLOP over {@code bestCpuMsPerPrediction}, as a share of
   *     {@code limitGflopsPerSecond}
   * @param officialBestCpuMsPerPrediction the same CPU figure of the official code, null when not
   *     measured
   */
  record Row(
      String model,
      String modelId,
      long parameters,
      double gflopPerPrediction,
      int threads,
      int batch,
      int iterations,
      Percentiles callMs,
      double msPerPrediction,
      double p90MsPerPrediction,
      double predictionsPerSecond,
      double gflopsPerSecond,
      double percentOfMatmul,
      Double officialMsPerPrediction,
      Double oursOverOfficial,
      double bestMsPerPrediction,
      double percentOfLimit,
      double limitGflopsPerSecond,
      Double officialBestMsPerPrediction,
      double bestCpuMsPerPrediction,
      double cpuPercentOfLimit,
      Double officialBestCpuMsPerPrediction) {
    /** This row with its share of the reference rate. */
    Row withPeak(MatmulPeak.Result peak) {
      return new Row(
          model,
          modelId,
          parameters,
          gflopPerPrediction,
          threads,
          batch,
          iterations,
          callMs,
          msPerPrediction,
          p90MsPerPrediction,
          predictionsPerSecond,
          gflopsPerSecond,
          100.0 * gflopsPerSecond / peak.gflopsPerSecond(),
          officialMsPerPrediction,
          oursOverOfficial,
          bestMsPerPrediction,
          percentOfLimit,
          limitGflopsPerSecond,
          officialBestMsPerPrediction,
          bestCpuMsPerPrediction,
          cpuPercentOfLimit,
          officialBestCpuMsPerPrediction);
    }

    /** This row next to the official code's median and best ms per prediction. */
    Row withOfficial(double officialMs, double officialBestMs, double officialBestCpuMs) {
      return new Row(
          model,
          modelId,
          parameters,
          gflopPerPrediction,
          threads,
          batch,
          iterations,
          callMs,
          msPerPrediction,
          p90MsPerPrediction,
          predictionsPerSecond,
          gflopsPerSecond,
          percentOfMatmul,
          officialMs,
          msPerPrediction / officialMs,
          bestMsPerPrediction,
          percentOfLimit,
          limitGflopsPerSecond,
          officialBestMs > 0 ? officialBestMs : null,
          bestCpuMsPerPrediction,
          cpuPercentOfLimit,
          officialBestCpuMs > 0 ? officialBestCpuMs : null);
    }
  }

  /**
   * The official code's side: what ran ({@code runs}, one per model and thread count), or why it
   * did not ({@code skipped}, one line).
   */
  record Official(String skipped, List<OfficialBench.Run> runs, List<String> failures) {}

  /** Everything part 1 measured. */
  record Result(List<Peak> matmul, List<Row> rows, Official official) {}

  private final List<Integer> batches;
  private final List<Integer> threads;
  private final TimedLoop loop;
  private final int matmulSize;
  private final OfficialBench official;
  private final String officialSkipped;
  private final double limitPerThread;

  DetectorBench(List<Integer> batches, List<Integer> threads, TimedLoop loop, int matmulSize) {
    this(batches, threads, loop, matmulSize, null, "not requested");
  }

  DetectorBench(
      List<Integer> batches,
      List<Integer> threads,
      TimedLoop loop,
      int matmulSize,
      OfficialBench official,
      String officialSkipped) {
    this(batches, threads, loop, matmulSize, official, officialSkipped, DEFAULT_LIMIT_GFLOPS);
  }

  /**
   * @param official runs the official code next to ours, or null
   * @param officialSkipped why {@code official} is null (one line, printed and recorded)
   * @param limitPerThread fixed fp32 GFLOP/s of one core that {@code percentOfLimit} refers to
   */
  DetectorBench(
      List<Integer> batches,
      List<Integer> threads,
      TimedLoop loop,
      int matmulSize,
      OfficialBench official,
      String officialSkipped,
      double limitPerThread) {
    if (!(limitPerThread > 0)) {
      throw new IllegalArgumentException("the fixed limit must be > 0, got " + limitPerThread);
    }
    this.limitPerThread = limitPerThread;
    if (batches.isEmpty() || threads.isEmpty()) {
      throw new IllegalArgumentException("need at least one batch size and one thread count");
    }
    this.batches = List.copyOf(batches);
    this.threads = List.copyOf(threads);
    this.loop = loop;
    this.matmulSize = matmulSize;
    this.official = official;
    this.officialSkipped = official == null ? officialSkipped : null;
  }

  /** Measures every subject at every thread count and batch size; restores the thread count. */
  Result run(List<Subject> subjects, java.io.PrintStream progress) {
    int original = TorchThreads.current();
    List<Peak> peaks = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    List<OfficialBench.Run> officialRuns = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    if (official == null) {
      progress.println("  official OadTR timing skipped: " + officialSkipped);
    }
    try {
      // the reference is measured before every model's rows at each thread count and the best
      // seen is kept, so a busy moment at the start does not inflate the percentages
      Map<Integer, MatmulPeak.Result> best = new LinkedHashMap<>();
      for (Subject subject : subjects) {
        try (Detector detector = subject.factory().get()) {
          for (int t : threads) {
            TorchThreads.set(t);
            best.merge(t, MatmulPeak.measure(matmulSize, 2, 20), MatmulPeak.Result::best);
            for (int batch : batches) {
              rows.add(measure(subject.name(), detector, t, batch));
              Row row = rows.get(rows.size() - 1);
              progress.printf(
                  java.util.Locale.ROOT,
                  "  %-8s threads %d batch %3d: %.2f ms/prediction%n",
                  row.model(),
                  row.threads(),
                  row.batch(),
                  row.msPerPrediction());
              // the same predictions from cached projected steps (StreamingDetector)
              rows.add(measureCached(subject.name() + "+cache", detector, t, batch));
              Row cached = rows.get(rows.size() - 1);
              progress.printf(
                  java.util.Locale.ROOT,
                  "  %-8s threads %d batch %3d: %.2f ms/prediction%n",
                  cached.model(),
                  cached.threads(),
                  cached.batch(),
                  cached.msPerPrediction());
              if (official != null) {
                measureOfficial(
                    subject.name(), detector.config(), t, batch, officialRuns, failures, progress);
              }
            }
          }
        }
      }
      rows.replaceAll(row -> withOfficial(row, officialRuns));
      for (int t : threads) {
        best.merge(t, MatmulPeak.measure(matmulSize, 2, 20), MatmulPeak.Result::best);
        peaks.add(new Peak(t, best.get(t)));
      }
      rows.replaceAll(row -> row.withPeak(best.get(row.threads())));
    } finally {
      TorchThreads.set(original);
    }
    return new Result(
        peaks,
        rows,
        new Official(officialSkipped, List.copyOf(officialRuns), List.copyOf(failures)));
  }

  /**
   * Runs the official code on {@code config} at {@code threads} and {@code batch}, right after our
   * rows of the same case so that both see about the same machine (on a shared machine the load
   * drifts within minutes), and adds the timing to the run of that model and thread count. A
   * failure is reported and recorded, and the benchmark goes on. Models the official code does not
   * have (other variants) are left out.
   */
  private void measureOfficial(
      String name,
      OadtrConfig config,
      int threads,
      int batch,
      List<OfficialBench.Run> runs,
      List<String> failures,
      java.io.PrintStream progress) {
    if (config.variant() != OadtrVariant.FULL) {
      if (batch == batches.get(0)) {
        progress.printf(
            "  official %-8s skipped: the official code has no %s variant%n",
            name, config.variant().label());
      }
      return;
    }
    try {
      OfficialBench.Run run = official.run(name, config, threads, List.of(batch), loop);
      for (OfficialBench.Timing timing : run.rows()) {
        progress.printf(
            java.util.Locale.ROOT,
            "  official %-8s threads %d batch %3d: %.2f ms/prediction (PyTorch %s)%n",
            name,
            threads,
            timing.batch(),
            timing.msPerPrediction(),
            run.torch());
      }
      for (int i = 0; i < runs.size(); i++) {
        OfficialBench.Run previous = runs.get(i);
        if (previous.model().equals(name) && previous.threads() == threads) {
          runs.set(i, previous.merge(run));
          return;
        }
      }
      runs.add(run);
    } catch (RuntimeException e) {
      String line = name + " threads " + threads + " batch " + batch + ": " + e.getMessage();
      failures.add(line);
      progress.println("  official timing FAILED for " + line);
    }
  }

  /** The row next to the official timing of the same model, threads and batch, if measured. */
  private static Row withOfficial(Row row, List<OfficialBench.Run> runs) {
    String base = row.model().endsWith("+cache") ? row.model().replace("+cache", "") : row.model();
    for (OfficialBench.Run run : runs) {
      if (run.model().equals(base) && run.threads() == row.threads()) {
        OfficialBench.Timing t = run.at(row.batch());
        if (t != null && t.msPerPrediction() > 0) {
          return row.withOfficial(
              t.msPerPrediction(), t.bestMsPerPrediction(), t.bestCpuMsPerPrediction());
        }
      }
    }
    return row;
  }

  private Row measure(String name, Detector detector, int threads, int batch) {
    OadtrConfig c = detector.config();
    float[][][] windows = randomWindows(batch, c.window(), c.featureDim(), 7L + batch);
    TimedLoop.Timed ms = loop.timeWithCpu(() -> detector.predict(windows), threads > 1);
    return row(name, detector, threads, batch, ms, OadtrFlops.flopsPerPrediction(c));
  }

  /** A row from the timed calls ({@code timed}) of {@code batch} predictions of {@code flops}. */
  private Row row(
      String name, Detector detector, int threads, int batch, TimedLoop.Timed timed, double flops) {
    Percentiles call = Percentiles.of(timed.wallMs());
    double best = java.util.Arrays.stream(timed.wallMs()).min().orElseThrow() / batch;
    double bestCpu = java.util.Arrays.stream(timed.cpuMs()).min().orElseThrow() / batch;
    double limit = limitPerThread * threads;
    double perPrediction = call.p50() / batch;
    double predictionsPerSecond = 1000.0 / perPrediction;
    return new Row(
        name,
        detector.modelId(),
        parameterCount(detector.config()),
        flops / 1e9,
        threads,
        batch,
        call.count(),
        call,
        perPrediction,
        call.p90() / batch,
        predictionsPerSecond,
        flops * predictionsPerSecond / 1e9,
        Double.NaN, // set by withPeak once the reference is known
        null,
        null,
        best,
        100.0 * (flops / 1e9) / (best / 1000.0) / limit,
        limit,
        null,
        bestCpu,
        100.0 * (flops / 1e9) / (bestCpu / 1000.0) / limit,
        null);
  }

  /**
   * Streaming cost with the cached input projection: {@code batch} streams, each already holding a
   * full window of projected steps, get one new step each; a call projects the new steps and
   * predicts the windows ({@link StreamingDetector#step(List, float[][])}).
   */
  private Row measureCached(String name, Detector detector, int threads, int batch) {
    OadtrConfig c = detector.config();
    StreamingDetector streaming = new StreamingDetector(detector);
    List<StreamingDetector.Stream> streams = new ArrayList<>();
    float[][][] history = randomWindows(batch, c.window(), c.featureDim(), 7L + batch);
    for (int b = 0; b < batch; b++) {
      streams.add(streaming.newStream());
    }
    for (int s = 0; s < c.window(); s++) {
      float[][] steps = new float[batch][];
      for (int b = 0; b < batch; b++) {
        steps[b] = history[b][s];
      }
      streaming.step(streams, steps);
    }
    float[][] next = randomWindows(1, batch, c.featureDim(), 11L + batch)[0];
    TimedLoop.Timed ms = loop.timeWithCpu(() -> streaming.step(streams, next), threads > 1);
    return row(name, detector, threads, batch, ms, 2.0 * OadtrFlops.macsPerCachedPrediction(c));
  }

  /** Seeded uniform windows in [-1, 1]: the cost does not depend on the values. */
  static float[][][] randomWindows(int batch, int window, int dim, long seed) {
    Random r = new Random(seed);
    float[][][] w = new float[batch][window][dim];
    for (float[][] steps : w) {
      for (float[] step : steps) {
        for (int i = 0; i < dim; i++) {
          step[i] = r.nextFloat() * 2f - 1f;
        }
      }
    }
    return w;
  }

  /**
   * Parameters of the configuration, counted from the same structure as {@link OadtrFlops} (weights
   * and biases of every linear layer, LayerNorms, task token, position table, decoder queries and
   * their position table).
   */
  static long parameterCount(OadtrConfig c) {
    long d = c.dModel();
    long n = c.window() + 1L;
    long classes = c.numClasses();
    long input = c.featureDim() * d + d;
    long tokens = d + n * d + 2L * c.futureSteps() * d;
    long encoderLayer = 2 * 2 * d + 3 * d * d + (d * d + d) + linear(d, c.encoderFfn(), d);
    long attention = 3 * d * d + 3 * d + d * d + d; // with bias, as torch MultiheadAttention
    long decoderLayer = 2 * attention + linear(d, c.decoderFfn(), d) + 3 * 2 * d;
    long heads = (d * classes + classes) + (2 * d * classes + classes);
    return input
        + tokens
        + c.encoderLayers() * encoderLayer
        + 2 * d
        + c.decoderLayers() * decoderLayer
        + 2 * d
        + heads;
  }

  private static long linear(long in, long hidden, long out) {
    return in * hidden + hidden + hidden * out + out;
  }
}
