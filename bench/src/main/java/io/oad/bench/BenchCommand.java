package io.oad.bench;

import io.oad.extractor.ExtractorConfig;
import io.oad.topology.DetectBatching;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code oad bench}: measures the detector alone, the feature extractor alone and the whole service
 * end to end on simulated real-time cameras; prints tables and writes JSON.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the service and write the numbers as JSON:",
      "  1. detector alone: ms per prediction at several batch sizes and thread counts,",
      "     and its GFLOP/s as a share of a large fp32 matmul;",
      "  2. feature extractor alone: frames/s including JPEG decode of real frames;",
      "  3. end to end: in-process broker, extractor and topology fed by simulated",
      "     real-time cameras: throughput, consumer lag, latency, memory.",
      "Run it on a quiet machine, with OMP_NUM_THREADS=1 as ./oad sets it."
    })
public final class BenchCommand implements Callable<Integer> {
  private static final Set<String> PARTS = Set.of("detector", "extractor", "e2e");
  private static final Set<String> MODELS =
      Set.of("paper", "shipped", "tiny", "paper-single", "shipped-single");

  @Option(
      names = "--jmh",
      description =
          "Run the JMH microbenchmarks instead: Detector.predict at the paper configuration (batch 1, 8, 32) and"
              + " a 1024x1024 matmul, in forked JVMs; prints JMH's table and the GFLOP/s ratio.")
  boolean jmh;

  @Option(
      names = "--overload",
      description =
          "Run the overload experiment instead: --cameras cameras at --fps for --seconds, once without and"
              + " once with the extractor's drop policy (--max-lag-ms, --lag-sample-every), each on a fresh"
              + " in-process broker; prints frames, drop rate, predictions and latency p50/p95/p99 per"
              + " --interval seconds. E.g. --overload --cameras 64 --fps 5 --seconds 60.")
  boolean overload;

  @Option(
      names = "--max-lag-ms",
      defaultValue = "2000",
      description = "Lag bound of the drop policy in --overload (default: ${DEFAULT-VALUE}).")
  long maxLagMs;

  @Option(
      names = "--lag-sample-every",
      defaultValue = "1",
      description =
          "With --overload: keep every k-th lagging frame per camera instead of dropping all"
              + " (default: ${DEFAULT-VALUE}).")
  int lagSampleEvery;

  @Option(
      names = "--interval",
      defaultValue = "10",
      description = "Seconds per reported interval in --overload (default: ${DEFAULT-VALUE}).")
  int interval;

  @Option(
      names = "--out",
      defaultValue = "data/bench.json",
      paramLabel = "FILE",
      description = "JSON output (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--parts",
      split = ",",
      defaultValue = "detector,extractor,e2e",
      description = "Parts to run, among detector, extractor, e2e (default: ${DEFAULT-VALUE}).")
  List<String> parts;

  @Option(
      names = "--models",
      split = ",",
      defaultValue = "paper,shipped",
      description =
          "Detector configurations: paper (THUMOS, 3072-d, T=64), shipped, tiny, and paper-single,"
              + " shipped-single (the same with the single-output encoder variant) (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(
      names = "--batches",
      split = ",",
      defaultValue = "1,8,32",
      description = "Detector batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(
      names = "--threads",
      split = ",",
      defaultValue = "1,2",
      description = "libtorch intra-op thread counts to compare (default: ${DEFAULT-VALUE}).")
  List<Integer> threads;

  @Option(
      names = "--e2e-warmup-seconds",
      defaultValue = "30",
      description =
          "End to end: seconds the cameras publish before the measured --seconds start (JIT, first"
              + " libtorch calls and the backlog of a cold start are not counted) (default:"
              + " ${DEFAULT-VALUE}).")
  int e2eWarmupSeconds;

  @Option(
      names = "--official-python",
      defaultValue = OfficialBench.DEFAULT_PYTHON,
      paramLabel = "PYTHON",
      description =
          "Interpreter with PyTorch (Debian's python3-torch) that times the official OadTR code on"
              + " the same models, threads and batch sizes (scripts/oadtr_official_bench.py);"
              + " skipped with one line when it cannot import torch (default: ${DEFAULT-VALUE}).")
  String officialPython;

  @Option(
      names = "--no-official",
      description = "Do not time the official OadTR code next to ours.")
  boolean noOfficial;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed runs before each case (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--iterations",
      defaultValue = "20",
      description = "Timed runs per case at most (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(
      names = "--max-seconds",
      defaultValue = "15",
      description =
          "Timed seconds per case after which it stops early (at least 3 runs) (default: ${DEFAULT-VALUE}).")
  double maxSeconds;

  @Option(
      names = "--matmul",
      defaultValue = "1024",
      description = "Side of the reference fp32 matmul (default: ${DEFAULT-VALUE}).")
  int matmul;

  @Option(
      names = "--limit-gflops",
      defaultValue = "195",
      description =
          "Fixed fp32 GFLOP/s of one core for the '% limit' column (fastest call over this x"
              + " threads); unlike the matmul reference it does not swing with the machine's load"
              + " (default: ${DEFAULT-VALUE}).")
  double limitGflops;

  @Option(
      names = "--extractor-batches",
      split = ",",
      defaultValue = "1,16",
      description = "Extractor batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> extractorBatches;

  @Option(
      names = "--extractor-frames",
      defaultValue = "200",
      description =
          "Distinct real frames the extractor benchmark cycles through (default: ${DEFAULT-VALUE}).")
  int extractorFrames;

  @Option(
      names = "--cameras",
      defaultValue = "8",
      description = "Simulated cameras end to end (default: ${DEFAULT-VALUE}).")
  int cameras;

  @Option(
      names = "--fps",
      defaultValue = "5",
      description = "Frames per second of each camera (default: ${DEFAULT-VALUE}).")
  double fps;

  @Option(
      names = "--seconds",
      defaultValue = "60",
      description = "Length of the end-to-end run (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--steps-per-second",
      defaultValue = "4",
      description =
          "Model steps per second of the topology end to end; one prediction per camera and step"
              + " (default: ${DEFAULT-VALUE}).")
  double stepsPerSecond;

  @Option(
      names = "--detect-batch",
      split = ",",
      defaultValue = "32",
      description =
          "Largest batch of the topology end to end, across cameras; several values (e.g. 1,32) run"
              + " the end-to-end part once each and report the speed-up over the first"
              + " (default: ${DEFAULT-VALUE}).")
  List<Integer> detectBatches;

  @Option(
      names = "--detect-wait-ms",
      defaultValue = "20",
      description = "Longest a step waits for its batch end to end (default: ${DEFAULT-VALUE}).")
  long detectWaitMs;

  @Option(
      names = "--commit-interval-ms",
      defaultValue = "100",
      description =
          "The topology's commit.interval.ms end to end: exactly-once outputs become visible to"
              + " read_committed readers at each commit (default: ${DEFAULT-VALUE}).")
  long commitIntervalMs;

  @Option(
      names = "--extractor-wait-ms",
      defaultValue = "20",
      description =
          "Longest the extractor waits for a fuller batch end to end; one transaction per batch"
              + " with --extractor-transactional (default: ${DEFAULT-VALUE}).")
  long extractorWaitMs;

  @Option(
      names = "--extractor-batch",
      defaultValue = "16",
      description = "Largest extractor batch end to end (default: ${DEFAULT-VALUE}).")
  int extractorBatch;

  @Option(
      names = "--extractor-workers",
      defaultValue = "1",
      description =
          "Extractor workers end to end (extract.workers): threads with their own consumer,"
              + " producer and backbone; the frames topic gets max(4, N) partitions (default:"
              + " ${DEFAULT-VALUE}).")
  int extractorWorkers;

  @Option(
      names = "--detect-threads",
      defaultValue = "1",
      description =
          "The topology's stream threads end to end (detect.num.stream.threads); the embeddings"
              + " topic gets max(4, N) partitions (default: ${DEFAULT-VALUE}).")
  int detectThreads;

  @Option(
      names = "--no-stage-probe",
      negatable = true,
      defaultValue = "true",
      description =
          "End to end: read the frames, embeddings and predictions topics for the breakdown of"
              + " where the time goes (default: on; --no-stage-probe saves the broker a second read"
              + " of every frame at high camera counts).")
  boolean stageProbe;

  @Option(
      names = "--extractor-transactional",
      description =
          "Run the extractor exactly-once end to end (a transactional id, as oad extract"
              + " --transactional-id); at-least-once without.")
  boolean extractorTransactional;

  @Option(
      names = "--linger-ms",
      defaultValue = "-1",
      description =
          "linger.ms of the extractor's and the topology's producers end to end; -1 keeps their"
              + " defaults (5 and Kafka Streams' 100) (default: ${DEFAULT-VALUE}).")
  int lingerMs;

  @Option(
      names = "--headroom",
      defaultValue = "0.7",
      description =
          "Share of a core each instance is planned at in the sizing table (default:"
              + " ${DEFAULT-VALUE}).")
  double headroom;

  @Option(
      names = "--sizing",
      split = ",",
      defaultValue = "64,256,1024",
      description = "Camera counts of the sizing table (default: ${DEFAULT-VALUE}).")
  List<Integer> sizingCameras;

  @Option(
      names = "--clips",
      paramLabel = "DIR",
      description =
          "Weizmann-layout clips folder (default: ../shared/data/weizmann next to the project).")
  Path clips;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Shipped detector archive (default: models/detector if present, else untrained).")
  Path model;

  @Option(
      names = "--data",
      defaultValue = "data/bench",
      paramLabel = "DIR",
      description =
          "Folder for the end-to-end broker and state; wiped at start (default: ${DEFAULT-VALUE}).")
  Path data;

  /** Picocli needs a public constructor to build the command. */
  public BenchCommand() {}

  /** Runs the command on its own (before it is registered in {@code oad}). */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new BenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (jmh) {
      return JmhRunner.run(System.out);
    }
    if (overload) {
      return overload(Path.of(System.getProperty("oad.home", ".")), System.out);
    }
    validate();
    PrintStream console = System.out;
    Path home = Path.of(System.getProperty("oad.home", "."));
    BenchReport report = new BenchReport(settings());
    TimedLoop loop = new TimedLoop(warmup, iterations, maxSeconds);
    if (parts.contains("detector")) {
      console.println("detector: building models and measuring...");
      List<DetectorBench.Subject> subjects = new ArrayList<>();
      for (String m : models) {
        subjects.add(
            new DetectorBench.Subject(
                m,
                switch (m) {
                  case "paper" -> BenchModels::paper;
                  case "tiny" -> BenchModels::tiny;
                  case "paper-single" -> () -> BenchModels.singleOutput(BenchModels.paper());
                  case "shipped-single" ->
                      () -> BenchModels.singleOutput(BenchModels.shipped(home, model, 256));
                  default -> () -> BenchModels.shipped(home, model, 256);
                }));
      }
      OfficialBench official = null;
      String skipped = "--no-official";
      if (!noOfficial) {
        official =
            new OfficialBench(
                officialPython,
                OfficialBench.locateScript(home),
                OfficialBench.locateReference(home));
        skipped = official.unavailableReason();
        if (skipped != null) {
          official = null;
        }
      }
      report.detector(
          new DetectorBench(batches, threads, loop, matmul, official, skipped, limitGflops)
              .run(subjects, console),
          console);
    }
    if (parts.contains("extractor")) {
      console.println("extractor: encoding real frames through the ingest, then measuring...");
      List<JpegFrame> frames = WeizmannJpegs.frames(clipsDir(home), extractorFrames, 4.0);
      List<ExtractorBench.Subject> subjects = new ArrayList<>();
      subjects.add(new ExtractorBench.Subject("pooled-pixels", BenchModels::pooledPixels));
      if (BenchModels.hasTrainedBackbone(home)) {
        subjects.add(
            new ExtractorBench.Subject("trained", () -> BenchModels.serviceBackbone(home)));
      }
      report.extractor(
          new ExtractorBench(extractorBatches, loop).run(subjects, frames, console), console);
    }
    if (parts.contains("e2e")) {
      console.println("end to end: preparing camera frames, starting broker and pipeline...");
      List<List<JpegFrame>> clipFrames =
          WeizmannJpegs.clips(clipsDir(home), Math.min(24, 2 * cameras), fps);
      List<EndToEndBench.Result> runs = new ArrayList<>();
      for (int batch : detectBatches) {
        EndToEndBench bench =
            new EndToEndBench(
                new EndToEndBench.Settings(
                    cameras,
                    fps,
                    seconds,
                    data,
                    stepsPerSecond,
                    new DetectBatching(batch, batch == 1 ? 0 : detectWaitMs),
                    e2eWarmupSeconds,
                    new EndToEndBench.Tuning(
                        commitIntervalMs,
                        extractorWaitMs,
                        extractorBatch,
                        extractorTransactional,
                        lingerMs,
                        extractorWorkers,
                        detectThreads,
                        stageProbe),
                    new EndToEndBench.Sizing(headroom, sizingCameras)));
        EndToEndBench.Result r =
            bench.run(
                clipFrames,
                () -> BenchModels.serviceBackbone(home),
                dim -> BenchModels.shipped(home, model, dim),
                console);
        report.endToEnd(r, console);
        runs.add(r);
      }
      if (runs.size() > 1) {
        report.endToEndComparison(runs, console);
      }
    }
    report.write(out);
    console.println();
    console.println("wrote " + out);
    return 0;
  }

  private int overload(Path home, PrintStream console) throws Exception {
    console.println("overload: preparing camera frames...");
    List<List<JpegFrame>> clipFrames =
        WeizmannJpegs.clips(clipsDir(home), Math.min(24, cameras), fps);
    OverloadBench bench =
        new OverloadBench(
            new OverloadBench.Settings(
                cameras, fps, seconds, interval, maxLagMs, lagSampleEvery, data));
    List<OverloadBench.Run> runs =
        bench.run(
            clipFrames,
            () -> BenchModels.serviceBackbone(home),
            dim -> BenchModels.shipped(home, model, dim),
            console);
    Path json = out.resolveSibling("overload.json");
    OverloadBench.write(runs, json);
    console.println();
    console.println("wrote " + json);
    return 0;
  }

  private void validate() {
    for (String p : parts) {
      if (!PARTS.contains(p)) {
        throw new IllegalArgumentException("unknown part '" + p + "'; use " + PARTS);
      }
    }
    for (String m : models) {
      if (!MODELS.contains(m)) {
        throw new IllegalArgumentException("unknown model '" + m + "'; use " + MODELS);
      }
    }
    positive("--batches", batches);
    positive("--threads", threads);
    positive("--extractor-batches", extractorBatches);
    positive("--detect-batch", detectBatches);
    positive("--sizing", sizingCameras);
    if (commitIntervalMs < 1 || extractorWaitMs < 1 || extractorBatch < 1) {
      throw new IllegalArgumentException(
          "--commit-interval-ms, --extractor-wait-ms and --extractor-batch must be >= 1");
    }
    if (extractorWorkers < 1 || extractorWorkers > ExtractorConfig.MAX_WORKERS) {
      throw new IllegalArgumentException(
          "--extractor-workers must be in 1.."
              + ExtractorConfig.MAX_WORKERS
              + ", got "
              + extractorWorkers);
    }
    if (!(headroom > 0) || headroom > 1) {
      throw new IllegalArgumentException("--headroom must be in (0, 1], got " + headroom);
    }
    if (detectWaitMs < 0 || !(stepsPerSecond > 0)) {
      throw new IllegalArgumentException("--detect-wait-ms must be >= 0, --steps-per-second > 0");
    }
    if (extractorFrames < 1 || matmul < 1) {
      throw new IllegalArgumentException("--extractor-frames and --matmul must be >= 1");
    }
  }

  private static void positive(String option, List<Integer> values) {
    if (values.isEmpty() || values.stream().anyMatch(v -> v < 1)) {
      throw new IllegalArgumentException(option + " needs values >= 1, got " + values);
    }
  }

  private Path clipsDir(Path home) {
    if (clips != null) {
      return clips;
    }
    Path next = home.resolve("../shared/data/weizmann").normalize();
    if (Files.isDirectory(next)) {
      return next;
    }
    String shared = System.getProperty("oad.shared");
    if (shared != null) {
      return Path.of(shared).resolve("data/weizmann");
    }
    return next;
  }

  private Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("parts", parts);
    s.put("models", models);
    s.put("batches", batches);
    s.put("threads", threads);
    s.put("warmup", warmup);
    s.put("e2eWarmupSeconds", e2eWarmupSeconds);
    s.put("iterations", iterations);
    s.put("maxSecondsPerCase", maxSeconds);
    s.put("matmul", matmul);
    s.put("limitGflopsPerThread", limitGflops);
    s.put("extractorBatches", extractorBatches);
    s.put("extractorFrames", extractorFrames);
    s.put("cameras", cameras);
    s.put("fps", fps);
    s.put("seconds", seconds);
    s.put("stepsPerSecond", stepsPerSecond);
    s.put("detectBatches", detectBatches);
    s.put("detectWaitMs", detectWaitMs);
    s.put("commitIntervalMs", commitIntervalMs);
    s.put("extractorWaitMs", extractorWaitMs);
    s.put("extractorBatch", extractorBatch);
    s.put("extractorTransactional", extractorTransactional);
    s.put("extractorWorkers", extractorWorkers);
    s.put("detectThreads", detectThreads);
    s.put("stageProbe", stageProbe);
    s.put("lingerMs", lingerMs);
    s.put("headroom", headroom);
    s.put("sizing", sizingCameras);
    return s;
  }
}
