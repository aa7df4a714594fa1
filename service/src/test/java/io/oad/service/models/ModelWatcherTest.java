package io.oad.service.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Topics;
import io.oad.detector.Detector;
import io.oad.detector.OadtrConfig;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.extractor.ExtractorService;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.extractor.TwoStreamConfig;
import io.oad.service.DetectorStepModel;
import io.oad.topology.SwappableStepModel;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelWatcherTest {
  private static final String MARKER = "model.json";

  @TempDir Path dir;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ModelMetrics metrics = new ModelMetrics().register(registry);
  private final List<Path> installed = new ArrayList<>();

  private ModelWatcher watcher() {
    return new ModelWatcher("detector", dir, MARKER, metrics, Duration.ofMillis(100));
  }

  private String record(Path folder) {
    installed.add(folder.getFileName());
    return "id-" + folder.getFileName();
  }

  @Test
  void shouldServeTheGreatestNameAtStartAndCountPresentVersionsAsSeen() throws IOException {
    version("v001");
    version("v010");
    version("v002");
    Files.createDirectories(dir.resolve("v999-incomplete")); // no marker: not a version

    ModelWatcher watcher = watcher();

    assertEquals(Optional.of(dir.resolve("v010")), watcher.latest());
    assertEquals(List.of(), watcher.poll(this::record));
    assertEquals(List.of(), watcher.poll(this::record));
  }

  @Test
  void shouldInstallANewVersionOnceItLooksTheSameOnTwoPolls() throws IOException {
    ModelWatcher watcher = watcher();
    version("v002");
    version(".v003");
    version("v004.tmp");
    version("v005.part");

    assertEquals(List.of(), watcher.poll(this::record), "first sight: settling");
    assertEquals(List.of(dir.resolve("v002")), watcher.poll(this::record));
    assertEquals(List.of(), watcher.poll(this::record), "installed once");
    assertEquals(List.of(Path.of("v002")), installed);
    String text = scrape();
    assertTrue(text.contains("oad_model_info{model_id=\"id-v002\",role=\"detector\"} 1.0"), text);
    assertTrue(text.contains("oad_model_reloads_total{role=\"detector\"} 1.0"), text);
  }

  @Test
  void shouldWaitWhileAVersionIsStillBeingWritten() throws IOException {
    ModelWatcher watcher = watcher();
    Path v = version("v002");
    assertEquals(List.of(), watcher.poll(this::record));
    Files.writeString(v.resolve("weights.npz"), "more bytes arrived");
    assertEquals(List.of(), watcher.poll(this::record), "changed since the last poll");
    assertEquals(List.of(v), watcher.poll(this::record));
  }

  @Test
  void shouldInstallSeveralNewVersionsInNameOrder() throws IOException {
    ModelWatcher watcher = watcher();
    version("v003");
    version("v002");
    watcher.poll(this::record);
    watcher.poll(this::record);
    assertEquals(List.of(Path.of("v002"), Path.of("v003")), installed);
  }

  @Test
  void shouldCountARefusedVersionAndRetryItOnlyWhenItChanges() throws IOException {
    ModelWatcher watcher = watcher();
    Path v = version("v002");
    ModelWatcher.Installer refusing =
        folder -> {
          installed.add(folder.getFileName());
          throw new IllegalArgumentException("weights truncated");
        };
    watcher.poll(refusing);
    watcher.poll(refusing);
    watcher.poll(refusing);
    assertEquals(List.of(Path.of("v002")), installed, "tried once");
    assertTrue(scrape().contains("oad_model_reload_failures_total{role=\"detector\"} 1.0"));

    Files.writeString(v.resolve("weights.npz"), "fixed weights");
    watcher.poll(this::record);
    assertEquals(List.of(v), watcher.poll(this::record));
    assertTrue(scrape().contains("oad_model_info{model_id=\"id-v002\",role=\"detector\"} 1.0"));
  }

  @Test
  void shouldRefuseAFolderThatIsNotADirectory() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ModelWatcher(
                "detector", dir.resolve("missing"), MARKER, metrics, Duration.ofSeconds(1)));
  }

  @Test
  void shouldSwapAValidBackboneIntoARunningExtractorAndRefuseATruncatedOne() throws Exception {
    TwoStreamConfig shape = new TwoStreamConfig(32, 24, List.of(8), 16, 11);
    TwoStreamBackbone serving = TwoStreamBackbone.untrained(shape, 1);
    String servingId = serving.id();
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    ExtractorConfig config =
        ExtractorConfig.builder()
            .setBootstrapServers("unused:9092")
            .optFramesTopic(Topics.FRAMES)
            .optPollTimeout(Duration.ofMillis(20))
            .build();
    ModelWatcher watcher =
        new ModelWatcher(
            ModelMetrics.ROLE_EXTRACTOR,
            dir,
            ModelUpdates.BACKBONE_MARKER,
            metrics,
            Duration.ofMillis(100));
    try (ExtractorService service =
        new ExtractorService(config, serving, new ExtractorMetrics(), consumer, producer)) {
      Thread loop = new Thread(service, "extractor");
      loop.start();
      ModelWatcher.Installer installer = ModelUpdates.backbone(service);

      Path broken = dir.resolve("b002");
      try (TwoStreamBackbone other = TwoStreamBackbone.untrained(shape, 2)) {
        other.save(broken);
      }
      Path params =
          Files.list(broken)
              .filter(p -> p.toString().endsWith(".params"))
              .findFirst()
              .orElseThrow();
      try (FileChannel ch = FileChannel.open(params, StandardOpenOption.WRITE)) {
        ch.truncate(ch.size() / 2);
      }
      watcher.poll(installer);
      watcher.poll(installer);
      assertEquals(servingId, service.backboneId(), "a truncated backbone is refused");
      assertTrue(
          scrape().contains("oad_model_reload_failures_total{role=\"extractor\"} 1.0"), scrape());

      String nextId;
      try (TwoStreamBackbone next = TwoStreamBackbone.untrained(shape, 3)) {
        next.save(dir.resolve("b003"));
        nextId = next.id();
      }
      watcher.poll(installer);
      watcher.poll(installer);
      assertEquals(nextId, service.backboneId());
      assertTrue(
          scrape().contains("oad_model_info{model_id=\"" + nextId + "\",role=\"extractor\"} 1.0"),
          scrape());
    }
  }

  @Test
  void shouldRunANewDetectorInShadowModeBeforeItTakesOver() throws Exception {
    OadtrConfig tiny = OadtrConfig.tiny();
    List<String> classes = List.of("background", "a", "b", "c", "d");
    SwappableStepModel models = DetectorStepModel.serve(Detector.create(tiny, classes, 1));
    String nextId;
    try (Detector next = Detector.create(tiny, classes, 2)) {
      next.save(dir.resolve("v002"));
      nextId = next.modelId();
    }
    ModelWatcher.Installer installer =
        ModelUpdates.detector(models, () -> null, Duration.ofSeconds(3), metrics);
    String servingId = models.modelId();
    java.util.concurrent.FutureTask<String> install =
        new java.util.concurrent.FutureTask<>(() -> installer.install(dir.resolve("v002")));
    new Thread(install, "installer").start();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (models.shadowModelId() == null && !install.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(nextId, models.shadowModelId());
    float[][][] windows = {new float[tiny.window()][tiny.featureDim()]};
    for (int i = 0; i < 3; i++) {
      assertEquals(servingId, models.score(windows).modelId(), "the shadow does not predict");
    }

    assertEquals(nextId, install.get(30, java.util.concurrent.TimeUnit.SECONDS));

    assertEquals(nextId, models.score(windows).modelId());
    String text = scrape();
    String labels = "{model_id=\"" + nextId + "\",role=\"detector\"}";
    assertTrue(text.contains("oad_model_shadow_predictions_total" + labels + " 3.0"), text);
    assertTrue(text.contains("oad_model_shadow_score_difference_count" + labels + " 3"), text);
    models.shutdown();
  }

  private Path version(String name) throws IOException {
    Path v = Files.createDirectories(dir.resolve(name));
    Files.writeString(v.resolve(MARKER), "{}");
    Files.writeString(v.resolve("weights.npz"), "w");
    return v;
  }

  private String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
