package io.oad.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.oad.contract.Topics;
import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorMetrics;
import io.oad.ingest.VideoIngestor;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Pipeline;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * {@code oad bench --overload}: more cameras than the machine can process, once without and once
 * with the extractor's drop policy, each on a fresh in-process broker and pipeline. Reports, per
 * interval, the frames published, the share the extractor dropped, the predictions that arrived and
 * their capture-to-arrival latency (p50/p95/p99 at a {@code read_committed} reader). Without the
 * policy the latency grows for as long as the overload lasts; with it, it stays near the lag bound.
 */
final class OverloadBench {
  /** Settings of the experiment. */
  record Settings(
      int cameras,
      double fps,
      int seconds,
      int intervalSeconds,
      long maxLagMs,
      int lagSampleEvery,
      Path dataDir) {
    /** Validates the settings. */
    Settings {
      if (cameras < 1 || !(fps > 0) || seconds < 1 || intervalSeconds < 1 || maxLagMs < 1) {
        throw new IllegalArgumentException(
            "need cameras, fps, seconds, interval and max lag > 0; got "
                + cameras
                + ", "
                + fps
                + ", "
                + seconds
                + ", "
                + intervalSeconds
                + ", "
                + maxLagMs);
      }
      if (lagSampleEvery < 1) {
        throw new IllegalArgumentException("lagSampleEvery must be >= 1: " + lagSampleEvery);
      }
    }
  }

  /**
   * One interval of a run.
   *
   * @param fromSecond start of the interval, seconds since the cameras started
   * @param framesPublished frames the broker acknowledged in the interval
   * @param framesDropped frames the extractor dropped in the interval
   * @param framesEmbedded embeddings the extractor produced in the interval
   * @param predictions predictions that arrived in the interval
   * @param latencyMs capture-to-arrival of those predictions, or null when none arrived
   */
  record Interval(
      int fromSecond,
      long framesPublished,
      long framesDropped,
      long framesEmbedded,
      long predictions,
      Percentiles latencyMs) {
    /** Dropped frames as a share of the frames the extractor handled in the interval. */
    double dropRate() {
      long handled = framesDropped + framesEmbedded;
      return handled == 0 ? 0 : (double) framesDropped / handled;
    }
  }

  /** One run: the policy and its intervals. */
  record Run(String policy, long maxLagMs, int lagSampleEvery, List<Interval> intervals) {}

  private final Settings settings;

  OverloadBench(Settings settings) {
    this.settings = settings;
  }

  /**
   * Runs without the policy, then with it.
   *
   * @param framesPerCamera the frames each camera loops (cycled over the cameras)
   * @param backbones a new backbone per run
   * @param detectors a detector for the backbone's dimension, one per run
   */
  List<Run> run(
      List<List<JpegFrame>> framesPerCamera,
      Supplier<Backbone> backbones,
      IntFunction<Detector> detectors,
      PrintStream out)
      throws Exception {
    List<Run> runs = new ArrayList<>();
    runs.add(runOnce("off", 0, 1, framesPerCamera, backbones, detectors, out));
    String policy =
        settings.lagSampleEvery() == 1
            ? "drop>" + settings.maxLagMs() + "ms"
            : "sample1/" + settings.lagSampleEvery() + ">" + settings.maxLagMs() + "ms";
    runs.add(
        runOnce(
            policy,
            settings.maxLagMs(),
            settings.lagSampleEvery(),
            framesPerCamera,
            backbones,
            detectors,
            out));
    printSummary(runs, out);
    return runs;
  }

  private Run runOnce(
      String policy,
      long maxLagMs,
      int sampleEvery,
      List<List<JpegFrame>> clips,
      Supplier<Backbone> backbones,
      IntFunction<Detector> detectors,
      PrintStream out)
      throws Exception {
    Path dir = settings.dataDir().resolve(policy.replaceAll("[^A-Za-z0-9]", "_"));
    wipe(dir);
    PrometheusRegistry registry = new PrometheusRegistry();
    Backbone backbone = backbones.get();
    out.printf(
        Locale.ROOT,
        "%n  policy %s: %d cameras x %.1f fps for %d s (%s)%n",
        policy,
        settings.cameras(),
        settings.fps(),
        settings.seconds(),
        backbone.id());
    List<Interval> intervals = new ArrayList<>();
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      try (Pipeline pipeline =
              new Pipeline(
                  bootstrap,
                  dir.resolve("streams"),
                  backbone,
                  detectors.apply(backbone.dimension()),
                  registry,
                  b -> b.optMaxLag(Duration.ofMillis(maxLagMs)).optLagSampleEvery(sampleEvery));
          PredictionCollector reader = new PredictionCollector(bootstrap).start();
          KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
        pipeline.awaitRunning(Duration.ofSeconds(60));
        out.printf(
            "  %6s %9s %8s %9s %8s %8s %8s %8s%n",
            "t (s)", "frames/s", "dropped", "embed/s", "preds/s", "p50 ms", "p95 ms", "p99 ms");
        SimulatedCameras cams = new SimulatedCameras(producer, cameraFrames(clips), settings.fps());
        long start = System.currentTimeMillis();
        cams.start();
        try {
          long published = 0;
          long dropped = 0;
          long embedded = 0;
          int seen = 0;
          for (int t = 0; t < settings.seconds(); t += settings.intervalSeconds()) {
            long end = start + 1000L * Math.min(settings.seconds(), t + settings.intervalSeconds());
            while (System.currentTimeMillis() < end) {
              Thread.sleep(Math.max(1, Math.min(500, end - System.currentTimeMillis())));
            }
            String text = scrape(registry);
            long nowPublished = cams.published();
            long nowDropped = sum(text, ExtractorMetrics.FRAMES_DROPPED_TOTAL);
            long nowEmbedded = sum(text, ExtractorMetrics.EMBEDDINGS_PRODUCED_TOTAL);
            List<PredictionCollector.Arrival> all = reader.arrivals();
            List<PredictionCollector.Arrival> fresh = all.subList(seen, all.size());
            seen = all.size();
            Interval i =
                new Interval(
                    t,
                    nowPublished - published,
                    nowDropped - dropped,
                    nowEmbedded - embedded,
                    fresh.size(),
                    fresh.isEmpty()
                        ? null
                        : Percentiles.of(
                            fresh.stream().map(PredictionCollector.Arrival::endToEndMs).toList()));
            published = nowPublished;
            dropped = nowDropped;
            embedded = nowEmbedded;
            intervals.add(i);
            print(i, (end - start) / 1000.0 - t, out);
          }
        } finally {
          cams.close();
        }
      }
    }
    return new Run(policy, maxLagMs, sampleEvery, intervals);
  }

  private static void print(Interval i, double seconds, PrintStream out) {
    Percentiles p = i.latencyMs();
    out.printf(
        Locale.ROOT,
        "  %6d %9.1f %7.1f%% %9.1f %8.1f %8s %8s %8s%n",
        i.fromSecond(),
        i.framesPublished() / seconds,
        100 * i.dropRate(),
        i.framesEmbedded() / seconds,
        i.predictions() / seconds,
        p == null ? "-" : String.format(Locale.ROOT, "%.0f", p.p50()),
        p == null ? "-" : String.format(Locale.ROOT, "%.0f", p.p95()),
        p == null ? "-" : String.format(Locale.ROOT, "%.0f", p.p99()));
  }

  private static void printSummary(List<Run> runs, PrintStream out) {
    out.printf("%n  summary (last interval of each run)%n");
    for (Run r : runs) {
      Interval last = r.intervals().get(r.intervals().size() - 1);
      Percentiles p = last.latencyMs();
      out.printf(
          Locale.ROOT,
          "  %-20s drop rate %5.1f%%, latency p50 %s ms, p99 %s ms%n",
          r.policy(),
          100 * last.dropRate(),
          p == null ? "-" : String.format(Locale.ROOT, "%.0f", p.p50()),
          p == null ? "-" : String.format(Locale.ROOT, "%.0f", p.p99()));
    }
  }

  /** Writes the runs as JSON. */
  static void write(List<Run> runs, Path file) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), runs);
  }

  /** Camera i loops clip i mod clips. */
  private List<List<JpegFrame>> cameraFrames(List<List<JpegFrame>> clips) {
    List<List<JpegFrame>> perCamera = new ArrayList<>();
    for (int i = 0; i < settings.cameras(); i++) {
      perCamera.add(clips.get(i % clips.size()));
    }
    return perCamera;
  }

  private static String scrape(PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The sum of every series of a counter in a text exposition. */
  static long sum(String exposition, String name) {
    double total = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Math.round(total);
  }

  private static void wipe(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
  }
}
