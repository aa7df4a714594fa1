package io.oad.bench;

import io.oad.contract.Topics;
import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.ingest.VideoIngestor;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Pipeline;
import io.oad.topology.DetectBatching;
import io.oad.topology.DetectConfig;
import io.oad.topology.DetectorMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Part 3 of {@code oad bench}: the whole service in this JVM (in-process broker, extractor,
 * topology) fed by simulated cameras in real time; measures sustained throughput, consumer lag,
 * capture-to-prediction latency, memory, and the batches the topology formed across cameras.
 */
final class EndToEndBench {
  /**
   * Settings of a run.
   *
   * @param stepsPerSecond the topology's model steps per second ({@code detect.steps.per.second})
   * @param batching the topology's batching across cameras
   * @param warmupSeconds seconds the cameras publish before the measured {@code seconds} start
   *     (JIT, first libtorch calls, the backlog of a cold start); nothing of them is counted
   */
  record Settings(
      int cameras,
      double fps,
      int seconds,
      Path dataDir,
      double stepsPerSecond,
      DetectBatching batching,
      int warmupSeconds) {
    /** Validates the settings. */
    Settings {
      if (cameras < 1 || !(fps > 0) || seconds < 1 || !(stepsPerSecond > 0)) {
        throw new IllegalArgumentException(
            "need cameras >= 1, fps > 0, seconds >= 1, steps per second > 0; got "
                + cameras
                + ", "
                + fps
                + ", "
                + seconds
                + ", "
                + stepsPerSecond);
      }
      java.util.Objects.requireNonNull(batching, "batching");
      if (warmupSeconds < 0) {
        throw new IllegalArgumentException("warmupSeconds must be >= 0, got " + warmupSeconds);
      }
    }

    /** Settings without a warm-up. */
    Settings(
        int cameras,
        double fps,
        int seconds,
        Path dataDir,
        double stepsPerSecond,
        DetectBatching batching) {
      this(cameras, fps, seconds, dataDir, stepsPerSecond, batching, 0);
    }

    /** Settings with the topology's default step rate and batching. */
    Settings(int cameras, double fps, int seconds, Path dataDir) {
      this(cameras, fps, seconds, dataDir, 4.0, DetectBatching.defaults(), 0);
    }

    /** Predictions per second the cameras call for: one per camera and step. */
    double neededPredictionsPerSecond() {
      return cameras * Math.min(fps, stepsPerSecond);
    }
  }

  /**
   * The model calls the topology made during the run (batches across cameras and tasks).
   *
   * @param maxBatch configured largest batch
   * @param maxWaitMs configured longest wait
   * @param modelCalls model calls made
   * @param stepsScored steps they scored
   * @param meanBatch steps per call
   * @param inferenceMsPerCall mean duration of a call
   * @param inferenceMsPerStep model time per prediction
   * @param meanWaitMs mean time a step waited in its batch
   */
  record Batches(
      int maxBatch,
      long maxWaitMs,
      long modelCalls,
      long stepsScored,
      double meanBatch,
      double inferenceMsPerCall,
      double inferenceMsPerStep,
      double meanWaitMs) {
    static Batches of(DetectBatching b, DetectorMetrics m) {
      long calls = m.batchCount();
      long steps = m.batchedSteps();
      double inferenceMs = m.inferenceSeconds() * 1000.0;
      return new Batches(
          b.maxBatch(),
          b.maxWaitMs(),
          calls,
          steps,
          calls == 0 ? 0 : (double) steps / calls,
          calls == 0 ? 0 : inferenceMs / calls,
          steps == 0 ? 0 : inferenceMs / steps,
          steps == 0 ? 0 : m.batchWaitSeconds() * 1000.0 / steps);
    }
  }

  /** Lag in records of one consumer group over the run. */
  record Lag(String group, String topic, long start, long max, long end, long afterDrain) {}

  /**
   * Everything part 3 measured.
   *
   * @param framesPublished frames the broker acknowledged during the run
   * @param predictionsInRun predictions that arrived while the cameras were publishing
   * @param neededPredictionsPerSecond one prediction per camera and step
   * @param batches the model calls of the topology
   * @param predictionsPerSecond sustained rate: predictions arrived in the second half of the run /
   *     its length (the first half includes the start-up)
   * @param predictionsAfterDrain predictions arrived by the end of the drain period
   * @param endToEndMs capture-to-arrival at a reader of {@code oad.predictions}
   * @param topologyMs the predictions' own {@code latencyMs} (capture to model output)
   * @param rssBytesPerCamera (RSS at the end − RSS with the pipeline idle) / cameras: a rough upper
   *     bound, it includes heap growth the collector has not given back
   * @param cpuSecondsByComponent CPU seconds of this JVM's threads while the cameras published, by
   *     component ({@link ThreadCpu})
   * @param warmupSeconds seconds of publishing before the measurement started (not counted)
   * @param intervals capture-to-reader latency per interval of the measured run, to show whether it
   *     is steady or grows
   */
  record Result(
      int cameras,
      double fps,
      int seconds,
      double stepsPerSecond,
      double neededPredictionsPerSecond,
      Batches batches,
      String backboneId,
      String modelId,
      int modelWindow,
      long framesPublished,
      long framesFailed,
      double framesPerSecond,
      long predictionsInRun,
      double predictionsPerSecond,
      long predictionsAfterDrain,
      double drainSeconds,
      Percentiles endToEndMs,
      Percentiles topologyMs,
      List<Lag> lag,
      long rssBytesBeforePipeline,
      long rssBytesPipelineIdle,
      long rssBytesEnd,
      long rssBytesPerCamera,
      long heapUsedBytesEnd,
      Map<String, Double> cpuSecondsByComponent,
      int warmupSeconds,
      List<Interval> intervals) {}

  /**
   * Predictions that arrived in one interval of the measured run.
   *
   * @param fromSecond start of the interval, seconds after the measurement started
   * @param predictions how many arrived
   * @param endToEndMs their capture-to-reader latency
   */
  record Interval(int fromSecond, long predictions, Percentiles endToEndMs) {}

  /** Splits the arrivals after {@code startMs} into intervals of {@code seconds}. */
  static List<Interval> intervals(
      List<PredictionCollector.Arrival> arrivals, long startMs, long stopMs, int seconds) {
    java.util.TreeMap<Integer, List<Long>> byInterval = new java.util.TreeMap<>();
    for (PredictionCollector.Arrival a : arrivals) {
      if (a.arrivalMs() > startMs && a.arrivalMs() <= stopMs) {
        int i = (int) ((a.arrivalMs() - startMs) / (seconds * 1000L));
        byInterval.computeIfAbsent(i, k -> new java.util.ArrayList<>()).add(a.endToEndMs());
      }
    }
    List<Interval> out = new java.util.ArrayList<>();
    byInterval.forEach(
        (i, ms) -> out.add(new Interval(i * seconds, ms.size(), Percentiles.of(ms))));
    return out;
  }

  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(20);

  private final Settings settings;

  EndToEndBench(Settings settings) {
    this.settings = settings;
  }

  /**
   * Runs the benchmark.
   *
   * @param framesPerCamera the frames each camera loops (index = camera)
   * @param backbone the extractor's backbone (owned from now on)
   * @param detector builds the detector for the backbone's embedding dimension (owned from now on)
   */
  Result run(
      List<List<JpegFrame>> framesPerCamera,
      Backbone backbone,
      IntFunction<Detector> detector,
      PrintStream progress)
      throws Exception {
    wipe(settings.dataDir());
    String backboneId = backbone.id();
    try (EmbeddedKafka kafka = new EmbeddedKafka(settings.dataDir().resolve("kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      long rssBefore = ProcessMemory.rssBytes();
      Detector model = detector.apply(backbone.dimension());
      String modelId = model.modelId();
      int window = model.config().window();
      try (Pipeline pipeline =
              new Pipeline(
                  bootstrap,
                  settings.dataDir().resolve("streams"),
                  backbone,
                  model,
                  new PrometheusRegistry(),
                  UnaryOperator.identity(),
                  topology ->
                      topology
                          .property(DetectConfig.STEPS_PER_SECOND_CONFIG, settings.stepsPerSecond())
                          .property(
                              DetectConfig.DETECT_BATCH_MAX_CONFIG, settings.batching().maxBatch())
                          .property(
                              DetectConfig.DETECT_BATCH_MAX_WAIT_MS_CONFIG,
                              settings.batching().maxWaitMs()));
          Admin admin =
              Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
          PredictionCollector reader = new PredictionCollector(bootstrap).start();
          KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
        pipeline.awaitRunning(Duration.ofSeconds(60));
        System.gc();
        long rssIdle = ProcessMemory.rssBytes();
        ConsumerLag lag = new ConsumerLag(admin);
        LagTrack extractorLag = new LagTrack(lag, Pipeline.EXTRACTOR_GROUP, Topics.FRAMES);
        LagTrack topologyLag = new LagTrack(lag, Pipeline.TOPOLOGY_GROUP, Topics.EMBEDDINGS);
        progress.printf(
            Locale.ROOT,
            "  %d cameras x %.1f fps for %d s, %.1f steps/s, batches of <= %d waiting <= %d ms"
                + " (backbone %s, model %s)%n",
            settings.cameras(),
            settings.fps(),
            settings.seconds(),
            settings.stepsPerSecond(),
            settings.batching().maxBatch(),
            settings.batching().maxWaitMs(),
            backboneId,
            modelId);
        SimulatedCameras cams =
            new SimulatedCameras(producer, cameraFrames(framesPerCamera), settings.fps());
        cams.start();
        long warmupPublished = 0;
        long warmupFailed = 0;
        if (settings.warmupSeconds() > 0) {
          progress.printf(
              Locale.ROOT, "  warming up for %d s (not counted)%n", settings.warmupSeconds());
          Thread.sleep(settings.warmupSeconds() * 1000L);
          warmupPublished = cams.published();
          warmupFailed = cams.failed();
        }
        long start = System.currentTimeMillis();
        long end = start + settings.seconds() * 1000L;
        ThreadCpu cpu = new ThreadCpu();
        long framesPublished;
        long framesFailed;
        try {
          while (System.currentTimeMillis() < end) {
            Thread.sleep(Math.min(1000, Math.max(1, end - System.currentTimeMillis())));
            extractorLag.sample();
            topologyLag.sample();
          }
        } finally {
          cams.close();
        }
        Map<String, Double> cpuSeconds = cpu.secondsByComponent();
        framesPublished = cams.published() - warmupPublished;
        framesFailed = cams.failed() - warmupFailed;
        long stopped = System.currentTimeMillis();
        long rssEnd = ProcessMemory.rssBytes();
        long heapEnd = ProcessMemory.heapUsedBytes();
        extractorLag.end();
        topologyLag.end();
        double drainSeconds = drain(reader, extractorLag, topologyLag);
        List<PredictionCollector.Arrival> all =
            reader.arrivals().stream().filter(a -> a.arrivalMs() > start).toList();
        long mid = start + (stopped - start) / 2;
        long inRun = all.stream().filter(a -> a.arrivalMs() <= stopped).count();
        long secondHalf =
            all.stream().filter(a -> a.arrivalMs() > mid && a.arrivalMs() <= stopped).count();
        if (all.isEmpty()) {
          throw new IllegalStateException(
              "no prediction arrived in "
                  + settings.seconds()
                  + " s plus "
                  + DRAIN_LIMIT.toSeconds()
                  + " s of drain: the pipeline is not working");
        }
        double runSeconds = (stopped - start) / 1000.0;
        return new Result(
            settings.cameras(),
            settings.fps(),
            settings.seconds(),
            settings.stepsPerSecond(),
            settings.neededPredictionsPerSecond(),
            Batches.of(settings.batching(), pipeline.detectorMetrics()),
            backboneId,
            modelId,
            window,
            framesPublished,
            framesFailed,
            framesPublished / runSeconds,
            inRun,
            secondHalf / ((stopped - mid) / 1000.0),
            all.size(),
            drainSeconds,
            Percentiles.of(all.stream().map(PredictionCollector.Arrival::endToEndMs).toList()),
            Percentiles.of(all.stream().map(PredictionCollector.Arrival::topologyMs).toList()),
            List.of(extractorLag.result(), topologyLag.result()),
            rssBefore,
            rssIdle,
            rssEnd,
            Math.max(0, rssEnd - rssIdle) / settings.cameras(),
            heapEnd,
            cpuSeconds,
            settings.warmupSeconds(),
            intervals(all, start, stopped, Math.max(1, Math.min(30, settings.seconds() / 10))));
      }
    }
  }

  private List<List<JpegFrame>> cameraFrames(List<List<JpegFrame>> clips) {
    List<List<JpegFrame>> perCamera = new ArrayList<>();
    for (int i = 0; i < settings.cameras(); i++) {
      List<JpegFrame> frames = new ArrayList<>();
      for (int j = i; j < clips.size(); j += settings.cameras()) {
        frames.addAll(clips.get(j));
      }
      if (frames.isEmpty()) {
        frames.addAll(clips.get(i % clips.size()));
      }
      perCamera.add(frames);
    }
    return perCamera;
  }

  /** Waits until both groups caught up and no prediction came for 1 s, at most the limit. */
  private static double drain(PredictionCollector reader, LagTrack... lags)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + DRAIN_LIMIT.toNanos();
    int lastCount = -1;
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline) {
      int n = reader.arrivals().size();
      if (n != lastCount) {
        lastCount = n;
        lastChange = System.nanoTime();
      }
      boolean caughtUp = true;
      for (LagTrack l : lags) {
        caughtUp &= l.drained() <= 4; // transaction markers: at most one per partition
      }
      if (caughtUp && System.nanoTime() - lastChange > 1_000_000_000L) {
        break;
      }
      Thread.sleep(200);
    }
    for (LagTrack l : lags) {
      l.drained();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static void wipe(Path dir) throws IOException {
    // a broker of an earlier run may still be writing its last files: try a few times
    for (int attempt = 1; ; attempt++) {
      try {
        if (Files.exists(dir)) {
          try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(p);
            }
          }
        }
        Files.createDirectories(dir);
        return;
      } catch (IOException | java.io.UncheckedIOException e) {
        if (attempt == 5) {
          throw new IOException("cannot empty the benchmark data folder " + dir + ": " + e, e);
        }
        try {
          Thread.sleep(500L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while emptying " + dir, ie);
        }
      }
    }
  }

  /** The lag of one group, sampled during the run. */
  private static final class LagTrack {
    private final ConsumerLag lag;
    private final String group;
    private final String topic;
    private long first = -1;
    private long max;
    private long end = -1;
    private long afterDrain = -1;

    LagTrack(ConsumerLag lag, String group, String topic) {
      this.lag = lag;
      this.group = group;
      this.topic = topic;
    }

    void sample() {
      long v = lag.of(group, topic);
      if (first < 0) {
        first = v;
      }
      max = Math.max(max, v);
    }

    void end() {
      end = lag.of(group, topic);
      max = Math.max(max, end);
      if (first < 0) {
        first = end;
      }
    }

    long drained() {
      afterDrain = lag.of(group, topic);
      return afterDrain;
    }

    Lag result() {
      return new Lag(group, topic, first, max, end, afterDrain);
    }
  }
}
