package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.datasets.compose.ClassFolderLayout;
import io.oad.datasets.compose.ComposedStream;
import io.oad.datasets.compose.UntrimmedLayout;
import io.oad.deploy.OadCli;
import io.oad.deploy.TeachRuns;
import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Models;
import io.oad.service.Pipeline;
import io.oad.service.models.ModelMetrics;
import io.oad.service.models.ModelRollout;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code oad teach} writes is served as it is: a short teach run on Weizmann clips laid out in
 * class folders (or on untrimmed videos composed from them, with a CSV of their intervals), then
 * the held-out subject's clips (or video) through ingest, a real (in-process) broker, the extractor
 * and the topology with the versions {@code oad demo --model-dir OUT} picks: {@code OUT/backbone}
 * and {@code OUT/detector}.
 */
@Tag("integration")
class TeachServedIT {
  private static final List<String> ACTIONS = List.of("jack", "walk", "wave1");

  @TempDir Path tmp;

  @Test
  void shouldServeTheTaughtArchivesThroughTheBroker() throws Exception {
    Path clips =
        ClassFolderLayout.weizmann(
            tmp.resolve("clips"), ACTIONS, List.of("daria", "ira", "moshe"), true);
    Path out = tmp.resolve("taught");
    assertEquals(
        0,
        OadCli.run(
            TeachRuns.shortRun(clips, out, "moshe", "--streams-per-group", "1", "--epochs", "1")));

    List<String> moshe =
        ACTIONS.stream()
            .map(a -> clips.resolve(a).resolve("moshe_" + a + ".avi").toString())
            .toList();
    serve(out, moshe);
  }

  @Test
  void shouldServeTheArchivesTaughtFromUntrimmedVideos() throws Exception {
    UntrimmedLayout.Made made =
        UntrimmedLayout.weizmann(
            tmp.resolve("untrimmed"), ACTIONS, List.of("daria", "ira", "moshe"), 1, 3);
    Path out = tmp.resolve("taught");
    assertEquals(
        0,
        OadCli.run(
            TeachRuns.shortVideoRun(
                made.videos(), made.annotations(), out, "moshe", "--epochs", "1")));
    List<String> moshe =
        made.streams().stream()
            .filter(s -> s.subject().equals("moshe"))
            .map(ComposedStream::video)
            .map(Path::toString)
            .toList();
    assertEquals(1, moshe.size());
    serve(out, moshe);
  }

  /** Serves {@code out} as a versions folder and checks a prediction per published frame. */
  private void serve(Path out, List<String> moshe) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(2, Topics.all());
      // OUT as the versions folder of oad demo --model-dir / detect --model-dir / extract
      // --backbone-dir: its backbone/ and detector/ subfolders are what serves at start
      Backbone backbone;
      Path detectorDir;
      try (ModelRollout rollout = new ModelRollout(out, new ModelMetrics(), Duration.ofHours(1))) {
        backbone =
            rollout.initialBackbone(
                () -> {
                  throw new AssertionError("no backbone version found in " + out);
                });
        detectorDir = rollout.initialDetector(null);
      }
      assertEquals("detector", detectorDir.getFileName().toString());
      Detector detector = Models.detector(detectorDir, backbone.dimension());
      Models.checkExtractor(detector, backbone.id());
      try (Pipeline pipeline =
          new Pipeline(
              kafka.bootstrapServers(),
              tmp.resolve("streams"),
              backbone,
              detector,
              new PrometheusRegistry())) {
        pipeline.awaitRunning(Duration.ofSeconds(60));
        Map<String, Long> published =
            EndToEndIT.ingest(kafka.bootstrapServers(), Map.of("cam-moshe", moshe));
        long expected = published.get("cam-moshe");
        assertTrue(expected > 10, "published " + published);
        List<Prediction> got =
            EndToEndIT.readPredictions(kafka.bootstrapServers(), expected, Duration.ofSeconds(120))
                .getOrDefault("cam-moshe", List.of());
        assertEquals(expected, got.size(), "one prediction per published frame");
        for (Prediction p : got) {
          assertEquals(
              List.of("background", "jack", "walk", "wave1"),
              List.copyOf(p.scores().keySet()).stream().sorted().toList());
          assertTrue(p.modelId().contains(detector.modelId()), p.modelId());
        }
      }
    }
  }
}
