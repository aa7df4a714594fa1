package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Prediction;
import io.oad.contract.StepGrid;
import io.oad.contract.Topics;
import io.oad.deploy.MetricsText;
import io.oad.extractor.Backbone;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.oad.service.Backbones;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Models;
import io.oad.service.Pipeline;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extractor's step skip ({@code extract.steps.per.second}) through the real broker with the
 * shipped two-stream backbone (whose motion plane pairs each frame with the one before): cameras at
 * 25 fps, 4 steps per second, the same predictions with and without the skip, while the extractor
 * embeds about one frame in six.
 */
@Tag("integration")
class StepSkipIT {
  // not on the 250 ms grid: the first step holds fewer frames than the others
  private static final long START_MS = 1_700_000_000_137L;
  private static final double FPS = 25.0;
  private static final double STEPS_PER_SECOND = 4.0;

  @TempDir Path tmp;

  private record Run(Map<String, List<Prediction>> predictions, String metrics) {}

  @Test
  void shouldPredictTheSameStepsWhileEmbeddingOnlyTheFramesThatFormThem() throws Exception {
    Run skipping = run("skip", true);
    Run embeddingAll = run("all", false);

    for (String camera : List.of("cam-a", "cam-b")) {
      List<Prediction> a = skipping.predictions().getOrDefault(camera, List.of());
      List<Prediction> b = embeddingAll.predictions().getOrDefault(camera, List.of());
      assertTrue(a.size() > 8, camera + " predictions: " + a.size());
      assertEquals(b.size(), a.size(), camera + ": one prediction per step in both runs");
      for (int i = 0; i < a.size(); i++) {
        Prediction x = a.get(i);
        Prediction y = b.get(i);
        assertEquals(y.step(), x.step(), camera + " step " + i);
        assertEquals(y.sequence(), x.sequence(), camera + " frame of step " + i);
        assertEquals(y.captureTimeMs(), x.captureTimeMs(), camera + " capture time " + i);
        for (String action : y.scores().keySet()) {
          assertEquals(
              y.scores().get(action),
              x.scores().get(action),
              1e-4,
              camera + " step " + i + " score of " + action);
        }
      }
    }
    double skipped = counter(skipping.metrics(), "oad_extractor_frames_skipped_total");
    double embedded = counter(skipping.metrics(), "oad_extractor_embeddings_produced_total");
    double embeddedAll = counter(embeddingAll.metrics(), "oad_extractor_embeddings_produced_total");
    assertEquals(0, counter(embeddingAll.metrics(), "oad_extractor_frames_skipped_total"));
    assertEquals(
        0,
        counter(skipping.metrics(), "oad_detector_step_rate_mismatch_total"),
        "the extractor skipped on the detector's own grid");
    assertEquals(embeddedAll, skipped + embedded, "every frame is embedded or skipped");
    // 25 fps at 4 steps/s: 6.25 frames per step, one of them embedded
    assertTrue(embedded < embeddedAll / 5, embedded + " of " + embeddedAll + " frames embedded");
  }

  private Run run(String name, boolean skip) throws Exception {
    Path root = Path.of(System.getProperty("oad.root", "..")).toAbsolutePath().normalize();
    Path clips = EndToEndIT.weizmann();
    Map<String, List<String>> cameras = new TreeMap<>();
    cameras.put(
        "cam-a",
        List.of(
            clips.resolve("videos/walk/daria_walk.avi").toString(),
            clips.resolve("videos/run/daria_run.avi").toString()));
    cameras.put("cam-b", List.of(clips.resolve("videos/walk/denis_walk.avi").toString()));
    PrometheusRegistry registry = new PrometheusRegistry();
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve(name + "-kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      Backbone backbone = Backbones.defaultBackbone(root);
      try (Pipeline pipeline =
          new Pipeline(
              kafka.bootstrapServers(),
              tmp.resolve(name + "-streams"),
              backbone,
              Models.detector(root.resolve("models/detector"), backbone.dimension()),
              registry,
              b -> skip ? b : b.optStepsPerSecond(0),
              b -> b)) {
        pipeline.awaitRunning(Duration.ofSeconds(60));
        long steps = 0;
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(VideoIngestor.producerProperties(kafka.bootstrapServers()))) {
          for (var camera : cameras.entrySet()) {
            IngestOptions.Builder options =
                IngestOptions.builder()
                    .setCameraId(camera.getKey())
                    .optTargetFps(FPS)
                    .optStartTimeMs(START_MS);
            camera.getValue().forEach(options::addSource);
            IngestResult result = new VideoIngestor(options.build()).run(producer);
            // frames every 40 ms from START_MS: the steps they fall in
            long first = StepGrid.stepOf(START_MS, STEPS_PER_SECOND);
            long last =
                StepGrid.stepOf(START_MS + (result.framesPublished() - 1) * 40, STEPS_PER_SECOND);
            steps += last - first + 1;
          }
          producer.flush();
        }
        Map<String, List<Prediction>> predictions =
            EndToEndIT.readPredictions(kafka.bootstrapServers(), steps, Duration.ofSeconds(120));
        return new Run(predictions, MetricsText.scrape(registry));
      }
    }
  }

  private static double counter(String exposition, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+]+)$").matcher(exposition);
    assertTrue(m.find(), name + " in\n" + exposition);
    return Double.parseDouble(m.group(1));
  }
}
