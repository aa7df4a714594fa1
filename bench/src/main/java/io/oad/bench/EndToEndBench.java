package io.oad.bench;

import io.oad.contract.Topics;
import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.ingest.VideoIngestor;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Pipeline;
import io.oad.topology.DetectBatching;
import io.oad.topology.DetectConfig;
import io.oad.topology.DetectorMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

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
      int warmupSeconds,
      Tuning tuning,
      Sizing sizing) {
    /** Validates the settings. */
    Settings {
      java.util.Objects.requireNonNull(tuning, "tuning");
      java.util.Objects.requireNonNull(sizing, "sizing");
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

    /** Settings with the default tuning and sizing. */
    Settings(
        int cameras,
        double fps,
        int seconds,
        Path dataDir,
        double stepsPerSecond,
        DetectBatching batching,
        int warmupSeconds) {
      this(
          cameras,
          fps,
          seconds,
          dataDir,
          stepsPerSecond,
          batching,
          warmupSeconds,
          Tuning.defaults(),
          Sizing.defaults());
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
   * The latency settings of a run.
   *
   * @param commitIntervalMs the topology's {@code commit.interval.ms} (exactly-once: how often its
   *     outputs become visible to read_committed readers)
   * @param extractorMaxWaitMs longest wait of the extractor for a fuller batch; with {@code
   *     extractorTransactional}, one transaction per batch, so also its commit cadence
   * @param extractorMaxBatch largest extractor batch
   * @param extractorTransactional whether the extractor runs exactly-once (a transactional id, as
   *     {@code oad extract --transactional-id}); else at-least-once, the in-process default
   * @param lingerMs {@code linger.ms} of the extractor's and the topology's producers, or -1 for
   *     their defaults (extractor 5, Kafka Streams 100)
   * @param extractorWorkers extractor workers in the process ({@code extract.workers}), each with
   *     its own thread, consumer, producer and backbone; the frames topic gets at least as many
   *     partitions
   * @param detectThreads the topology's stream threads ({@code num.stream.threads}); the embeddings
   *     topic gets at least as many partitions
   */
  record Tuning(
      long commitIntervalMs,
      long extractorMaxWaitMs,
      int extractorMaxBatch,
      boolean extractorTransactional,
      int lingerMs,
      int extractorWorkers,
      int detectThreads,
      boolean stageProbe) {
    /** Validates the settings. */
    Tuning {
      if (detectThreads < 1 || detectThreads > 64) {
        throw new IllegalArgumentException("detect threads must be in 1..64: " + detectThreads);
      }
      if (extractorWorkers < 1 || extractorWorkers > ExtractorConfig.MAX_WORKERS) {
        throw new IllegalArgumentException(
            "extractor workers must be in 1.."
                + ExtractorConfig.MAX_WORKERS
                + ": "
                + extractorWorkers);
      }
      if (commitIntervalMs < 1 || extractorMaxWaitMs < 1 || extractorMaxBatch < 1) {
        throw new IllegalArgumentException(
            "need commit interval >= 1 ms, extractor wait >= 1 ms, extractor batch >= 1; got "
                + commitIntervalMs
                + ", "
                + extractorMaxWaitMs
                + ", "
                + extractorMaxBatch);
      }
    }

    /** The in-process pipeline's defaults: commit every 100 ms, batches of 16 within 20 ms. */
    static Tuning defaults() {
      return new Tuning(100, 20, 16, false, -1, 1, 1, true);
    }
  }

  /**
   * How the sizing table is made.
   *
   * @param headroom the share of a core an instance is planned to use at most (0.7: 30% spare for
   *     bursts, GC and rebalances)
   * @param cameras the camera counts to size for
   */
  record Sizing(double headroom, List<Integer> cameras) {
    /** Validates the settings. */
    Sizing {
      if (!(headroom > 0) || headroom > 1 || cameras.isEmpty()) {
        throw new IllegalArgumentException(
            "need 0 < headroom <= 1 and camera counts; got " + headroom + ", " + cameras);
      }
      cameras = List.copyOf(cameras);
    }

    static Sizing defaults() {
      return new Sizing(0.7, List.of(64, 256, 1024));
    }
  }

  /**
   * What one camera costs: core-milliseconds of CPU per second of video, by role, measured while
   * the cameras published.
   *
   * @param extractor the extractor thread (decode, backbone)
   * @param detector the topology's stream threads (windows, OadTR, state)
   * @param broker the in-process broker and other JVM threads (GC, JIT)
   * @param clients the Kafka clients' I/O threads (producers, consumers, admin) of both roles
   * @param total all four: what the service costs per camera on this machine
   * @param camerasPerCore 1000 / total
   * @param extractorMsPerFrame extractor CPU per frame published
   * @param matmulGflopsPerSecond the one-thread 1024x1024 fp32 matmul rate measured before the run
   * @param totalMatmulGflop total x that rate / 1000: the cost per camera second in GFLOP of that
   *     matmul (the work it could have done in that CPU time), to compare machines of other speeds
   */
  record Cost(
      double extractor,
      double detector,
      double broker,
      double clients,
      double total,
      double camerasPerCore,
      double extractorMsPerFrame,
      double matmulGflopsPerSecond,
      double totalMatmulGflop) {
    static Cost of(
        Map<String, Double> cpuSeconds,
        int cameras,
        double runSeconds,
        long frames,
        double matmulGflops) {
      double perCameraSecond = 1000.0 / (cameras * runSeconds);
      double extractor = cpuSeconds.getOrDefault(ThreadCpu.EXTRACTOR, 0.0) * perCameraSecond;
      double detector = cpuSeconds.getOrDefault(ThreadCpu.DETECTOR, 0.0) * perCameraSecond;
      double broker = cpuSeconds.getOrDefault(ThreadCpu.BROKER, 0.0) * perCameraSecond;
      double clients = cpuSeconds.getOrDefault(ThreadCpu.CLIENTS, 0.0) * perCameraSecond;
      double total = extractor + detector + broker + clients;
      return new Cost(
          extractor,
          detector,
          broker,
          clients,
          total,
          total > 0 ? 1000.0 / total : 0,
          frames > 0 ? cpuSeconds.getOrDefault(ThreadCpu.EXTRACTOR, 0.0) * 1000.0 / frames : 0,
          matmulGflops,
          total * matmulGflops / 1000.0);
    }
  }

  /**
   * Instances for {@code cameras} cameras at the measured cost, each planned at {@code headroom} of
   * a core: an extractor instance runs one worker thread, a detect instance one stream thread.
   *
   * @param extractors extractor instances
   * @param detectors detect instances (one stream thread each)
   * @param cores cores for everything, broker and client I/O included
   */
  record SizingRow(int cameras, double headroom, int extractors, int detectors, double cores) {
    static List<SizingRow> of(Cost cost, Sizing sizing) {
      List<SizingRow> rows = new ArrayList<>();
      for (int n : sizing.cameras()) {
        double budget = 1000.0 * sizing.headroom();
        rows.add(
            new SizingRow(
                n,
                sizing.headroom(),
                (int) Math.max(1, Math.ceil(n * cost.extractor() / budget)),
                (int) Math.max(1, Math.ceil(n * cost.detector() / budget)),
                n * cost.total() / budget));
      }
      return rows;
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
   * @param tuning the latency settings of the run
   * @param stagesMs capture to each stage ({@link StageProbe}: frame on the broker, embedding on
   *     the broker, embedding committed, prediction on the broker), of the measured run
   * @param cost CPU per camera and second of video, by role
   * @param sizing instances for the configured camera counts at that cost
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
      List<Interval> intervals,
      Tuning tuning,
      Map<String, Percentiles> stagesMs,
      Cost cost,
      List<SizingRow> sizing,
      ExtractorWork extractorWork) {}

  /**
   * What the extractor did with the frames of the measured run (its counters at the end minus at
   * the start): frames embedded, and frames decoded but not embedded because an earlier frame of
   * their camera formed their step ({@code extract.steps.per.second}).
   */
  record ExtractorWork(long embedded, long skipped) {
    static ExtractorWork between(PrometheusRegistry registry, ExtractorWork before) {
      ExtractorWork now =
          new ExtractorWork(
              counter(registry, ExtractorMetrics.EMBEDDINGS_PRODUCED_TOTAL),
              counter(registry, ExtractorMetrics.FRAMES_SKIPPED_TOTAL));
      return before == null
          ? now
          : new ExtractorWork(now.embedded - before.embedded, now.skipped - before.skipped);
    }

    private static long counter(PrometheusRegistry registry, String name) {
      // the snapshot names counters without their _total suffix
      String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
      for (var snapshot : registry.scrape()) {
        if (snapshot.getMetadata().getName().equals(base)
            && snapshot instanceof CounterSnapshot counter) {
          return (long) counter.getDataPoints().stream().mapToDouble(d -> d.getValue()).sum();
        }
      }
      return 0;
    }
  }

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
   * @param backbones loads the extractor's backbone, once per extractor worker (each instance owned
   *     from now on)
   * @param detector builds the detector for the backbone's embedding dimension (owned from now on)
   */
  Result run(
      List<List<JpegFrame>> framesPerCamera,
      Supplier<Backbone> backbones,
      IntFunction<Detector> detector,
      PrintStream progress)
      throws Exception {
    wipe(settings.dataDir());
    Backbone backbone = backbones.get();
    String backboneId = backbone.id();
    AtomicBoolean firstTaken = new AtomicBoolean();
    Supplier<Backbone> perWorker =
        () -> firstTaken.compareAndSet(false, true) ? backbone : backbones.get();
    // the machine's speed in the same units as the detector part: cost per camera can then be
    // compared across machines
    MatmulPeak.Result matmul = MatmulPeak.measure(1024, 3, 10);
    Tuning tuning = settings.tuning();
    PrometheusRegistry registry = new PrometheusRegistry();
    try (EmbeddedKafka kafka = new EmbeddedKafka(settings.dataDir().resolve("kafka"), 0).start()) {
      // every extractor worker gets a frames partition (a worker beyond the partitions idles)
      kafka.createTopics(
          Math.max(4, Math.max(tuning.extractorWorkers(), tuning.detectThreads())), Topics.all());
      String bootstrap = kafka.bootstrapServers();
      long rssBefore = ProcessMemory.rssBytes();
      Detector model = detector.apply(backbone.dimension());
      String modelId = model.modelId();
      int window = model.config().window();
      try (Pipeline pipeline =
              new Pipeline(
                  bootstrap,
                  settings.dataDir().resolve("streams"),
                  perWorker,
                  model,
                  registry,
                  extractor -> extractorTuning(extractor, tuning),
                  topology ->
                      topologyTuning(topology, tuning)
                          .property(DetectConfig.STEPS_PER_SECOND_CONFIG, settings.stepsPerSecond())
                          .property(
                              DetectConfig.DETECT_BATCH_MAX_CONFIG, settings.batching().maxBatch())
                          .property(
                              DetectConfig.DETECT_BATCH_MAX_WAIT_MS_CONFIG,
                              settings.batching().maxWaitMs()));
          Admin admin =
              Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
          PredictionCollector reader = new PredictionCollector(bootstrap).start();
          StageProbe stages = tuning.stageProbe() ? new StageProbe(bootstrap).start() : null;
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
                + " (backbone %s, model %s); commit interval %d ms, %d stream thread(s), %d extractor worker(s),"
                + " batches of <= %d within %d ms, %s%n",
            settings.cameras(),
            settings.fps(),
            settings.seconds(),
            settings.stepsPerSecond(),
            settings.batching().maxBatch(),
            settings.batching().maxWaitMs(),
            backboneId,
            modelId,
            tuning.commitIntervalMs(),
            tuning.detectThreads(),
            tuning.extractorWorkers(),
            tuning.extractorMaxBatch(),
            tuning.extractorMaxWaitMs(),
            tuning.extractorTransactional() ? "exactly-once extractor" : "at-least-once extractor");
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
        ExtractorWork workBefore = ExtractorWork.between(registry, null);
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
        ExtractorWork work = ExtractorWork.between(registry, workBefore);
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
        Cost cost =
            Cost.of(
                cpuSeconds,
                settings.cameras(),
                runSeconds,
                framesPublished,
                matmul.gflopsPerSecond());
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
            intervals(all, start, stopped, Math.max(1, Math.min(30, settings.seconds() / 10))),
            tuning,
            stages == null ? Map.of() : stages.percentiles(start, Long.MAX_VALUE),
            cost,
            SizingRow.of(cost, settings.sizing()),
            work);
      }
    }
  }

  private static ExtractorConfig.Builder extractorTuning(ExtractorConfig.Builder b, Tuning t) {
    b.optMaxWait(Duration.ofMillis(t.extractorMaxWaitMs()))
        .optMaxBatchSize(t.extractorMaxBatch())
        .optWorkers(t.extractorWorkers());
    if (t.extractorTransactional()) {
      b.optTransactionalId("oad-bench-extractor");
    }
    if (t.lingerMs() >= 0) {
      b.optProperty("producer." + ProducerConfig.LINGER_MS_CONFIG, t.lingerMs());
    }
    return b;
  }

  private static DetectConfig.Builder topologyTuning(DetectConfig.Builder b, Tuning t) {
    b.commitIntervalMs(t.commitIntervalMs());
    b.property(DetectConfig.NUM_STREAM_THREADS_CONFIG, t.detectThreads());
    if (t.lingerMs() >= 0) {
      b.property(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), t.lingerMs());
    }
    return b;
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
