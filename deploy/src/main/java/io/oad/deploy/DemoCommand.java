package io.oad.deploy;

import io.oad.contract.ActionEvent;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.datasets.compose.ComposedStream;
import io.oad.datasets.compose.SyntheticVideo;
import io.oad.deploy.live.LiveHub;
import io.oad.deploy.live.LivePage;
import io.oad.deploy.ops.ConfigOptions;
import io.oad.deploy.ops.HttpOptions;
import io.oad.deploy.ops.OadConfig;
import io.oad.extractor.Backbone;
import io.oad.ingest.IngestMetrics;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.oad.service.Backbones;
import io.oad.service.EmbeddedKafka;
import io.oad.service.MetricsServer;
import io.oad.service.Models;
import io.oad.service.OutputReader;
import io.oad.service.Pipeline;
import io.oad.service.models.ModelMetrics;
import io.oad.service.models.ModelRollout;
import io.oad.service.models.ModelWatcher;
import io.oad.training.features.WeizmannData;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code oad demo}: the whole service in one process on real video: an in-process KRaft broker,
 * ingest of one or more cameras, the feature extractor and the detector topology; prints one line
 * per prediction and a summary.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole service in this process on real video: in-process Kafka broker, ingest, feature extractor,",
      "detector. Prints one line per prediction and a summary; exits when the input ends (or keeps running with",
      "--follow)."
    })
final class DemoCommand implements Callable<Integer> {
  /** Where users get the videos when their clone has no data folder. */
  static final String CLIPS_HINT =
      "the Weizmann 'Actions as Space-Time Shapes' clips (Gorelick et al., ICCV 2005), e.g. from the public"
          + " repository hueihan/Action_Recognition (data/WIS/video), laid out as"
          + " videos/<action>/<subject>_<action>.avi with a manifest.csv (path,action,subject,...) and"
          + " backgrounds/<subject>_bg.png";

  @Option(
      names = "--video",
      paramLabel = "FILE|URL",
      description = "A video file or stream URL; repeat for more cameras. Default: Weizmann clips.")
  List<String> videos = new ArrayList<>();

  @Option(
      names = "--clips",
      paramLabel = "DIR",
      description =
          "Weizmann-layout clips folder (default: ../shared/data/weizmann next to the project).")
  Path clips;

  @Option(
      names = "--cameras",
      defaultValue = "2",
      description =
          "Cameras to simulate from the clips folder, one subject each (default: ${DEFAULT-VALUE}).")
  int cameras;

  @Option(
      names = "--subjects",
      paramLabel = "a,b",
      description =
          "Subjects of the clips folder to play, one camera each (default: the last --cameras subjects in name"
              + " order).")
  String subjects;

  @Option(
      names = "--seed",
      defaultValue = "2026",
      description = "Seed of the composed streams (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--fps",
      defaultValue = "4",
      description = "Sampling rate = model steps per second (default: ${DEFAULT-VALUE}).")
  double fps;

  @Option(
      names = "--realtime",
      description = "Play files at capture speed instead of as fast as possible.")
  boolean realtime;

  @Option(
      names = "--follow",
      description = "Keep running after the input ends (Ctrl-C to stop); files loop.")
  boolean follow;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Detector model archive (default: models/detector, else an untrained model).")
  Path model;

  @Option(
      names = "--model-dir",
      paramLabel = "DIR",
      description =
          "Watch DIR for model versions while running: subfolders with a model.json (detector"
              + " archives) and with a backbone.json (backbones); the greatest name of each kind serves"
              + " at start, a new one is checked and switched in, a broken one is refused and the"
              + " serving one stays.")
  Path modelDir;

  @Option(
      names = "--max-lag-ms",
      defaultValue = "0",
      description =
          "Extractor drop policy: frames captured more than this many ms ago when about to be"
              + " embedded are dropped and counted; 0 = off (default: ${DEFAULT-VALUE}).")
  long maxLagMs;

  @Option(
      names = "--data",
      defaultValue = "data/demo",
      description =
          "Folder for the broker's and the topology's data; wiped at start (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--metrics-port",
      defaultValue = "9400",
      description =
          "Port of /metrics and of the live page (/); 0 = any free port, -1 = off (default:"
              + " ${DEFAULT-VALUE}).")
  int metricsPort;

  @Mixin HttpOptions http;

  @Mixin ConfigOptions configOptions;

  @Option(names = "--quiet", description = "Print only the summary, not every prediction.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    OadConfig oad = configOptions.load();
    PrintStream out = System.out;
    long started = System.nanoTime();
    wipe(data);
    List<Camera> cams = cameras(out);
    if (cams.isEmpty()) {
      throw new IllegalArgumentException(
          "no input: give --video FILE|URL or a clips folder with --clips");
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    live = new LiveHub(LiveHub.Options.defaults(1.0 / fps));
    try (EmbeddedKafka kafka = new EmbeddedKafka(data.resolve("kafka"), 0).start();
        MetricsServer metrics =
            MetricsServer.start(
                registry,
                http.bindAddress(configOptions, oad),
                metricsPort,
                () -> true,
                new LivePage(live, oad.liveToken()))) {
      kafka.createTopics(4, Topics.all());
      out.printf("broker  %s (data in %s)%n", kafka.bootstrapServers(), kafka.dataDir());
      if (metrics != null) {
        out.printf("metrics http://127.0.0.1:%d/metrics%n", metrics.port());
        out.printf("live    http://127.0.0.1:%d/%n", metrics.port());
      }
      ModelMetrics modelMetrics = new ModelMetrics().register(registry);
      ModelRollout rollout =
          modelDir == null
              ? null
              : new ModelRollout(modelDir, modelMetrics, ModelWatcher.DEFAULT_INTERVAL);
      Backbone backbone =
          rollout == null
              ? Backbones.defaultBackbone(Models.home())
              : rollout.initialBackbone(() -> Backbones.defaultBackbone(Models.home()));
      Path detector = rollout == null ? model : rollout.initialDetector(model);
      try (Pipeline pipeline =
              new Pipeline(
                  kafka.bootstrapServers(),
                  data.resolve("streams"),
                  backbone,
                  Models.detector(detector, backbone.dimension()),
                  registry,
                  b -> b.optMaxLag(Duration.ofMillis(maxLagMs)));
          ModelRollout watching = rollout) {
        if (watching != null) {
          watching.start(pipeline.models(), pipeline.extractor());
        } else {
          modelMetrics.serving(ModelMetrics.ROLE_DETECTOR, pipeline.models().modelId());
          modelMetrics.serving(ModelMetrics.ROLE_EXTRACTOR, pipeline.extractor().backboneId());
        }
        pipeline.awaitRunning(Duration.ofSeconds(60));
        out.printf(
            "model   %s (%d classes, window %d steps)%n",
            pipeline.model().modelId(),
            pipeline.model().classNames().size(),
            pipeline.model().config().window());
        return run(kafka.bootstrapServers(), cams, registry, out, started);
      }
    }
  }

  private int run(
      String bootstrap,
      List<Camera> cams,
      PrometheusRegistry registry,
      PrintStream out,
      long started)
      throws Exception {
    IngestMetrics ingestMetrics = new IngestMetrics().register(registry);
    Summary summary = new Summary();
    AtomicBoolean stop = new AtomicBoolean();
    Thread printer = new Thread(() -> consume(bootstrap, summary, stop, out), "oad-demo-printer");
    printer.start();
    ExecutorService pool = Executors.newFixedThreadPool(cams.size());
    List<Future<IngestResult>> results = new ArrayList<>();
    List<VideoIngestor> ingestors = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
      for (Camera c : cams) {
        IngestOptions options =
            IngestOptions.builder()
                .setCameraId(c.id)
                .setSources(c.sources)
                .optTargetFps(fps)
                .optRealtime(realtime || follow)
                .optLoop(follow)
                .build();
        VideoIngestor ingestor = new VideoIngestor(options, ingestMetrics);
        ingestors.add(ingestor);
        results.add(pool.submit(() -> ingestor.run(producer)));
      }
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> ingestors.forEach(VideoIngestor::stop)));
      long published = 0;
      for (Future<IngestResult> f : results) {
        IngestResult r = f.get();
        published += r.framesPublished();
        out.printf(
            "ingest  %s: %d frames read, %d published%n",
            r.cameraId(), r.framesRead(), r.framesPublished());
      }
      producer.flush();
      awaitPredictions(summary, published, Duration.ofSeconds(120));
    } finally {
      pool.shutdownNow();
      stop.set(true);
      printer.join(5000);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    summary.print(out, seconds, realtime || follow);
    return 0;
  }

  private static void awaitPredictions(Summary summary, long expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = -1;
    long lastChange = System.nanoTime();
    while (summary.total() < expected && System.nanoTime() < deadline) {
      long now = summary.total();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > Duration.ofSeconds(30).toNanos()) {
        break; // nothing new for 30 s: report what arrived
      }
      Thread.sleep(100);
    }
  }

  private void consume(String bootstrap, Summary summary, AtomicBoolean stop, PrintStream out) {
    OutputReader.Listener print =
        new OutputReader.Listener() {
          @Override
          public void prediction(Prediction pr) {
            summary.add(pr);
            live.accept(pr);
            if (!quiet) {
              out.println(PredictionLine.format(pr, 1.0 / fps, truthOf(pr)));
            }
          }

          @Override
          public void event(ActionEvent e) {
            summary.add(e);
            live.accept(e);
            if (!quiet) {
              out.println(PredictionLine.format(e));
            }
          }
        };
    try (OutputReader reader = OutputReader.open(bootstrap, OutputReader.Options.earliest())) {
      while (!stop.get()) {
        reader.poll(Duration.ofMillis(200), print);
      }
    }
  }

  private List<Camera> cameras(PrintStream out) throws IOException {
    List<Camera> cams = new ArrayList<>();
    if (!videos.isEmpty()) {
      for (int i = 0; i < videos.size(); i++) {
        cams.add(new Camera("cam-" + (i + 1), List.of(videos.get(i))));
      }
      return cams;
    }
    Path dir =
        clips != null
            ? clips
            : Path.of(System.getProperty("oad.home", "."))
                .resolve("../shared/data/weizmann")
                .normalize();
    if (!Files.isRegularFile(dir.resolve("manifest.csv"))) {
      out.println(
          "No clips folder at "
              + dir
              + ". For real footage get "
              + CLIPS_HINT
              + " and pass --clips DIR, or pass --video FILE|URL. Running on a video the project renders itself.");
      Path synthetic = SyntheticVideo.render(data.resolveSibling("synthetic-demo.avi"), 7, 30);
      cams.add(new Camera("cam-1", List.of(synthetic.toString())));
      return cams;
    }
    // one composed stream per subject (clips in a seeded order, background gaps between some), so
    // that every line can show the ground truth; by default the last subjects in name order, which
    // the shipped models never saw in training (they were trained on daria, denis, eli, ira, lena)
    ClipCatalog catalog = ClipCatalog.load(dir);
    List<String> all = catalog.subjects();
    List<String> chosen =
        subjects != null
            ? WeizmannData.subjects(subjects)
            : all.subList(Math.max(0, all.size() - cameras), all.size());
    for (ComposedStream s :
        WeizmannData.compose(catalog, chosen, seed, 1, data.resolve("composed"))) {
      String id = "cam-" + s.subject();
      cams.add(new Camera(id, List.of(s.video().toString())));
      truth.put(id, s.labelsAt(fps));
      classNames = s.classNames();
    }
    out.printf(
        "input   %d cameras from %s: composed streams of %s (ground truth in brackets)%n",
        cams.size(), dir, String.join(", ", chosen));
    return cams;
  }

  private static void wipe(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
  }

  private record Camera(String id, List<String> sources) {}

  /** What the live page on the metrics port shows; fed by the printer's consumer. */
  private LiveHub live;

  /** Per camera, the label of every model step of its composed stream (empty for other inputs). */
  private final Map<String, int[]> truth = new ConcurrentHashMap<>();

  private List<String> classNames = List.of();

  private String truthOf(Prediction p) {
    int[] labels = truth.get(p.camera());
    if (labels == null || p.sequence() >= labels.length || classNames.isEmpty()) {
      return null;
    }
    return classNames.get(labels[(int) p.sequence()]);
  }

  /** Counts for the closing summary. */
  private static final class Summary {
    private final Map<String, Long> perCamera = new ConcurrentHashMap<>();
    private final Map<String, Long> perAction = new ConcurrentHashMap<>();
    private final Map<String, Long> perEvent = new ConcurrentHashMap<>();

    void add(ActionEvent e) {
      perEvent.merge(e.type().name(), 1L, Long::sum);
    }

    /** The most recent latencies only, so that a --follow run does not grow without bound. */
    private static final int MAX_LATENCIES = 100_000;

    private final java.util.Deque<Long> latencies = new java.util.ArrayDeque<>();

    void add(Prediction p) {
      perCamera.merge(p.camera(), 1L, Long::sum);
      perAction.merge(p.action(), 1L, Long::sum);
      synchronized (latencies) {
        if (latencies.size() == MAX_LATENCIES) {
          latencies.removeFirst();
        }
        latencies.addLast(p.latencyMs());
      }
    }

    long total() {
      return perCamera.values().stream().mapToLong(Long::longValue).sum();
    }

    void print(PrintStream out, double seconds, boolean live) {
      long total = total();
      out.println("---- summary ----");
      out.printf(
          Locale.ROOT,
          "predictions %d in %.1f s wall (%.1f frames/s end to end, broker start included)%n",
          total,
          seconds,
          total / seconds);
      new TreeMap<>(perCamera).forEach((c, n) -> out.printf("  %-14s %d predictions%n", c, n));
      out.println("top action counts: " + new TreeMap<>(perAction));
      out.println("events: " + new TreeMap<>(perEvent));
      List<Long> l;
      synchronized (latencies) {
        l = new ArrayList<>(latencies);
      }
      if (!live) {
        out.println(
            "capture-to-prediction latency: not meaningful here (files played faster than real time);"
                + " run with --realtime to measure it");
      } else if (!l.isEmpty()) {
        java.util.Collections.sort(l);
        out.printf(
            Locale.ROOT,
            "capture-to-prediction latency ms: p50 %d, p95 %d, max %d%n",
            l.get(l.size() / 2),
            l.get((int) Math.min(l.size() - 1, Math.round(l.size() * 0.95))),
            l.get(l.size() - 1));
      }
    }
  }
}
