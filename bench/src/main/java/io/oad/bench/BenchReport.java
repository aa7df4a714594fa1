package io.oad.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@code oad bench} run measured: printed as tables and written as JSON (the parts that
 * were not run are absent).
 */
final class BenchReport {
  private final Map<String, Object> root = new LinkedHashMap<>();

  BenchReport(Map<String, Object> settings) {
    root.put("tool", "oad bench");
    root.put("measuredAt", Instant.now().toString());
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    machine.put("ompNumThreadsEnv", System.getenv("OMP_NUM_THREADS"));
    machine.put("javaVersion", System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    root.put("machine", machine);
    root.put("settings", settings);
  }

  void detector(DetectorBench.Result r, PrintStream out) {
    root.put("detector", r);
    out.println();
    out.println("DETECTOR (no Kafka): ms per prediction, GFLOP/s from the analytic FLOPs");
    for (DetectorBench.Peak p : r.matmul()) {
      out.printf(
          Locale.ROOT,
          "  reference: fp32 matmul %dx%d at %d thread(s) = %.1f GFLOP/s (best run)%n",
          p.matmul().size(),
          p.matmul().size(),
          p.threads(),
          p.matmul().gflopsPerSecond());
    }
    if (!r.rows().isEmpty()) {
      DetectorBench.Row first = r.rows().get(0);
      out.printf(
          Locale.ROOT,
          "  best ms / %% limit: the fastest call per prediction, its GFLOP/s over a fixed %.0f GFLOP/s"
              + " per thread; cpu ms / cpu %%lim: the same from the least CPU time of a call"
              + " (steady on a loaded machine)%n",
          first.limitGflopsPerSecond() / first.threads());
    }
    DetectorBench.Official official = r.official();
    if (official != null) {
      describeOfficial(official, out);
    }
    out.printf(
        "  %-14s %10s %7s %5s %12s %12s %10s %9s %8s %10s %8s %16s %14s %13s %9s %9s %12s%n",
        "model",
        "GFLOP/pred",
        "threads",
        "batch",
        "ms/pred p50",
        "ms/pred p90",
        "pred/s",
        "GFLOP/s",
        "% peak",
        "best ms",
        "% limit",
        "official ms/pred",
        "ours/official",
        "official best",
        "cpu ms",
        "cpu %lim",
        "official cpu");
    for (DetectorBench.Row row : r.rows()) {
      out.printf(
          Locale.ROOT,
          "  %-14s %10.4f %7d %5d %12.3f %12.3f %10.1f %9.2f %7.1f%% %10.3f %7.1f%% %16s %14s %13s"
              + " %9.3f %8.1f%% %12s%n",
          row.model(),
          row.gflopPerPrediction(),
          row.threads(),
          row.batch(),
          row.msPerPrediction(),
          row.p90MsPerPrediction(),
          row.predictionsPerSecond(),
          row.gflopsPerSecond(),
          row.percentOfMatmul(),
          row.bestMsPerPrediction(),
          row.percentOfLimit(),
          row.officialMsPerPrediction() == null
              ? "-"
              : String.format(Locale.ROOT, "%.3f", row.officialMsPerPrediction()),
          row.oursOverOfficial() == null
              ? "-"
              : String.format(Locale.ROOT, "%.2fx", row.oursOverOfficial()),
          row.officialBestMsPerPrediction() == null
              ? "-"
              : String.format(Locale.ROOT, "%.3f", row.officialBestMsPerPrediction()),
          row.bestCpuMsPerPrediction(),
          row.cpuPercentOfLimit(),
          row.officialBestCpuMsPerPrediction() == null
              ? "-"
              : String.format(Locale.ROOT, "%.3f", row.officialBestCpuMsPerPrediction()));
    }
  }

  /** The lines above the table that say what the official column is, or why it is empty. */
  private static void describeOfficial(DetectorBench.Official official, PrintStream out) {
    if (official.skipped() != null) {
      out.println("  official OadTR code: not measured (" + official.skipped() + ")");
      return;
    }
    for (String failure : official.failures()) {
      out.println("  official OadTR code FAILED: " + failure);
    }
    for (OfficialBench.Run run : official.runs()) {
      out.printf(
          Locale.ROOT,
          "  official OadTR code (%s): PyTorch %s, %d thread(s), BLAS %s, fp32 matmul 1024x1024 ="
              + " %.1f GFLOP/s (best run), %,d parameters%n",
          OfficialBench.SCRIPT,
          run.torch(),
          run.threads(),
          run.blas().isEmpty()
              ? "?"
              : run.blas().stream()
                  .map(b -> Path.of(b).getFileName().toString())
                  .collect(java.util.stream.Collectors.joining("+")),
          run.matmulGflopsPerSecond(),
          run.parameters());
      if (run.check() != null) {
        out.printf(
            Locale.ROOT,
            "    same function as the official code: max abs diff %.2g (current), %.2g (future)"
                + " on %s%n",
            run.check().maxAbsDiffCurrent(),
            run.check().maxAbsDiffFuture(),
            run.check().reference());
      }
      if (run.referenceBlas()) {
        out.println(
            "    WARNING: PyTorch runs on Debian's reference BLAS (libblas3), not OpenBLAS; install"
                + " libopenblas0-openmp for a meaningful comparison");
      }
    }
  }

  void extractor(List<ExtractorBench.Row> rows, PrintStream out) {
    root.put("extractor", Map.of("rows", rows));
    out.println();
    out.println(
        "FEATURE EXTRACTOR (one thread, no Kafka): JPEG decode + backbone on 160x120 frames");
    out.printf(
        "  %-28s %5s %12s %12s %10s %10s %11s %10s%n",
        "backbone",
        "batch",
        "frames/s",
        "batch ms p90",
        "decode ms",
        "embed ms",
        "decode cpu",
        "embed cpu");
    for (ExtractorBench.Row row : rows) {
      out.printf(
          Locale.ROOT,
          "  %-28s %5d %12.1f %12.2f %10.3f %10.3f %11.3f %10.3f%n",
          row.backboneId(),
          row.batch(),
          row.framesPerSecond(),
          row.batchMs().p90(),
          row.decodeMsPerFrame(),
          row.embedMsPerFrame(),
          row.decodeCpuMsPerFrame(),
          row.embedCpuMsPerFrame());
    }
  }

  @SuppressWarnings("unchecked")
  void endToEnd(EndToEndBench.Result r, PrintStream out) {
    if (!root.containsKey("endToEnd")) {
      root.put("endToEnd", r); // the first run; every run is in endToEndRuns
    }
    ((List<Object>) root.computeIfAbsent("endToEndRuns", k -> new java.util.ArrayList<>())).add(r);
    out.println();
    out.printf(
        Locale.ROOT,
        "END TO END (broker + extractor + topology in this JVM; %d cameras x %.1f fps, %d s after"
            + " %d s of warm-up, %.1f steps/s; detector batches <= %d, wait <= %d ms)%n",
        r.cameras(),
        r.fps(),
        r.seconds(),
        r.warmupSeconds(),
        r.stepsPerSecond(),
        r.batches().maxBatch(),
        r.batches().maxWaitMs());
    out.printf(
        Locale.ROOT,
        "  frames published       %d (%.1f/s, %d failed)%n",
        r.framesPublished(),
        r.framesPerSecond(),
        r.framesFailed());
    if (r.extractorWork() != null) {
      out.printf(
          Locale.ROOT,
          "  extractor work         %d frames embedded, %d decoded only (their step was formed:"
              + " extract.steps.per.second)%n",
          r.extractorWork().embedded(),
          r.extractorWork().skipped());
    }
    out.printf(
        Locale.ROOT,
        "  predictions            %d during the run, %.1f/s sustained (second half), %d after %.1f s"
            + " drain%n",
        r.predictionsInRun(),
        r.predictionsPerSecond(),
        r.predictionsAfterDrain(),
        r.drainSeconds());
    out.printf(
        Locale.ROOT,
        "  needed                 at most %.1f predictions/s (one per camera and step that gets a"
            + " frame): %s%n",
        r.neededPredictionsPerSecond(),
        keptUp(r)
            ? "kept up (no lag left at the end beyond one second of frames)"
            : "NOT kept up (lag left at the end)");
    EndToEndBench.Batches b = r.batches();
    out.printf(
        Locale.ROOT,
        "  detector batches       %d model calls for %d steps: mean batch %.2f, %.2f ms per call,"
            + " %.2f ms per prediction, mean wait in batch %.1f ms%n",
        b.modelCalls(),
        b.stepsScored(),
        b.meanBatch(),
        b.inferenceMsPerCall(),
        b.inferenceMsPerStep(),
        b.meanWaitMs());
    out.printf(
        Locale.ROOT,
        "  capture->reader ms     p50 %.0f  p95 %.0f  p99 %.0f  max %.0f%n",
        r.endToEndMs().p50(),
        r.endToEndMs().p95(),
        r.endToEndMs().p99(),
        r.endToEndMs().max());
    out.printf(
        Locale.ROOT,
        "  capture->model ms      p50 %.0f  p95 %.0f  p99 %.0f%n",
        r.topologyMs().p50(),
        r.topologyMs().p95(),
        r.topologyMs().p99());
    if (!r.intervals().isEmpty()) {
      StringBuilder line = new StringBuilder("  p99 by interval (s)  ");
      for (EndToEndBench.Interval i : r.intervals()) {
        line.append(String.format(Locale.ROOT, " %d:%.0f", i.fromSecond(), i.endToEndMs().p99()));
      }
      out.println(line);
    }
    double cpuTotal = r.cpuSecondsByComponent().values().stream().mapToDouble(d -> d).sum();
    out.printf(
        Locale.ROOT,
        "  CPU while publishing   %.1f s of %d s x %d cores:",
        cpuTotal,
        r.seconds(),
        Runtime.getRuntime().availableProcessors());
    r.cpuSecondsByComponent()
        .forEach(
            (component, seconds) ->
                out.printf(
                    Locale.ROOT,
                    " %s %.0f%%;",
                    component,
                    cpuTotal > 0 ? 100.0 * seconds / cpuTotal : 0));
    out.println();
    for (EndToEndBench.Lag l : r.lag()) {
      out.printf(
          "  lag %-14s on %-15s start %d  max %d  end %d  after drain %d%n",
          l.group(), l.topic(), l.start(), l.max(), l.end(), l.afterDrain());
    }
    out.printf(
        Locale.ROOT,
        "  RSS MiB                before pipeline %.0f, pipeline idle %.0f, end %.0f;"
            + " ~%.1f MiB per camera%n",
        mib(r.rssBytesBeforePipeline()),
        mib(r.rssBytesPipelineIdle()),
        mib(r.rssBytesEnd()),
        mib(r.rssBytesPerCamera()));
    if (!r.stagesMs().isEmpty()) {
      out.println("  where the time goes   capture to ... (ms, p50 / p99):");
      stage(out, "frame on the broker", r.stagesMs().get(StageProbe.FRAME_ON_BROKER));
      stage(out, "embedding on the broker", r.stagesMs().get(StageProbe.EMBEDDING_ON_BROKER));
      stage(
          out,
          "embedding committed (read_committed)",
          r.stagesMs().get(StageProbe.EMBEDDING_COMMITTED));
      stage(out, "model output (latencyMs)", r.topologyMs());
      stage(out, "prediction on the broker", r.stagesMs().get(StageProbe.PREDICTION_ON_BROKER));
      stage(out, "prediction committed (read_committed)", r.endToEndMs());
    }
    EndToEndBench.Cost c = r.cost();
    out.printf(
        Locale.ROOT,
        "  cost per camera        core-ms per second of video: extractor %.2f (%.2f per frame),"
            + " detector %.2f, broker %.2f, kafka clients %.2f; total %.2f = %.1f cameras per"
            + " core%s%n",
        c.extractor(),
        c.extractorMsPerFrame(),
        c.detector(),
        c.broker(),
        c.clients(),
        c.total(),
        c.camerasPerCore(),
        keptUp(r) ? "" : " (NOT kept up: work left undone, the cost is a lower bound)");
    out.printf(
        Locale.ROOT,
        "  machine                1024x1024 fp32 matmul, one thread: %.1f GFLOP/s; a camera costs"
            + " %.2f GFLOP of it per second of video%n",
        c.matmulGflopsPerSecond(),
        c.totalMatmulGflop());
    out.println(
        "  sizing                 cameras  extractors  detect instances  cores (all roles)");
    for (EndToEndBench.SizingRow row : r.sizing()) {
      out.printf(
          Locale.ROOT,
          "                         %7d  %10d  %16d  %17.1f   (each planned at %.0f%% of a core)%n",
          row.cameras(),
          row.extractors(),
          row.detectors(),
          row.cores(),
          100 * row.headroom());
    }
  }

  private static void stage(PrintStream out, String name, Percentiles p) {
    if (p == null) {
      out.printf("    %-40s -%n", name);
      return;
    }
    out.printf(Locale.ROOT, "    %-40s %6.0f / %6.0f%n", name, p.p50(), p.p99());
  }

  /** Compares the end-to-end runs with the first (e.g. batch 1 against batching across cameras). */
  void endToEndComparison(List<EndToEndBench.Result> runs, PrintStream out) {
    EndToEndBench.Result base = runs.get(0);
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    out.println();
    out.printf(
        "END TO END by detector batch (speed-up over max batch %d)%n", base.batches().maxBatch());
    out.printf(
        "  %9s %10s %12s %12s %10s %10s %10s%n",
        "max batch", "mean batch", "ms/pred", "speed-up", "pred/s", "p99 ms", "lag end");
    for (EndToEndBench.Result r : runs) {
      double speedUp =
          r.batches().inferenceMsPerStep() > 0
              ? base.batches().inferenceMsPerStep() / r.batches().inferenceMsPerStep()
              : 0;
      long lagEnd =
          r.lag().stream()
              .filter(l -> l.group().equals(io.oad.service.Pipeline.TOPOLOGY_GROUP))
              .mapToLong(EndToEndBench.Lag::end)
              .findFirst()
              .orElse(-1);
      out.printf(
          Locale.ROOT,
          "  %9d %10.2f %12.3f %11.2fx %10.1f %10.0f %10d%n",
          r.batches().maxBatch(),
          r.batches().meanBatch(),
          r.batches().inferenceMsPerStep(),
          speedUp,
          r.predictionsPerSecond(),
          r.endToEndMs().p99(),
          lagEnd);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("maxBatch", r.batches().maxBatch());
      row.put("meanBatch", r.batches().meanBatch());
      row.put("inferenceMsPerPrediction", r.batches().inferenceMsPerStep());
      row.put("detectorSpeedUp", speedUp);
      row.put("predictionsPerSecond", r.predictionsPerSecond());
      row.put("p99EndToEndMs", r.endToEndMs().p99());
      row.put("topologyLagEnd", lagEnd);
      rows.add(row);
    }
    root.put("endToEndByBatch", rows);
  }

  /** Writes the JSON, creating the parent folder. */
  void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  /**
   * Whether the pipeline kept up: at the end of the run no consumer group is behind by more than
   * one second of the cameras' frames. (Predictions per second alone can fall short of cameras ×
   * steps per second without any backlog: a frame landing in a step already predicted makes none.)
   */
  static boolean keptUp(EndToEndBench.Result r) {
    double oneSecond = r.cameras() * r.fps();
    return r.lag().stream().allMatch(l -> l.end() >= 0 && l.end() <= oneSecond);
  }
}
