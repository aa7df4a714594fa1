package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.detector.Detector;
import io.oad.extractor.ExtractorConfig;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.oad.service.DetectorStepModel;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Models;
import io.oad.topology.DetectConfig;
import io.oad.topology.DetectorApp;
import io.oad.topology.DetectorMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once through an extractor crash: {@code oad extract --transactional-id} runs as a
 * separate process, is killed with SIGKILL in the middle of two live camera streams and started
 * again with the same transactional id. Read committed, {@code oad.embeddings} then holds exactly
 * one embedding per frame, {@code oad.predictions} exactly one prediction per step, and {@code
 * oad.events} no duplicate or missing action event.
 */
@Tag("integration")
class ExtractorCrashIT {
  @TempDir Path tmp;

  @Test
  void shouldHoldExactlyOneEmbeddingAndPredictionPerFrameAfterTheExtractorIsKilledAndRestarted()
      throws Exception {
    Map<String, List<String>> cameras =
        Cameras.weizmann(
            List.of("daria", "denis"),
            List.of(
                "walk", "wave1", "run", "bend", "jack", "skip", "side", "pjump", "jump", "wave2"));
    Detector model = Detector.create(Models.shippedConfig(256), Models.WEIZMANN_CLASSES, 1L);
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      DetectConfig config =
          LowThresholds.apply(DetectConfig.builder())
              .bootstrapServers(bootstrap)
              .stateDir(tmp.resolve("streams"))
              .commitIntervalMs(100)
              .build();
      RoleProcess extractor = startExtractor(bootstrap, "extract-first");
      ExecutorService pool = Executors.newFixedThreadPool(cameras.size());
      try (DetectorApp detector =
              new DetectorApp(config, () -> new DetectorStepModel(model), new DetectorMetrics());
          KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
        detector.start();
        awaitRunning(detector, bootstrap);
        List<Future<IngestResult>> ingests = new ArrayList<>();
        for (var e : cameras.entrySet()) {
          // frames arrive at capture speed (4 per second), so the kill lands mid-stream
          IngestOptions o =
              IngestOptions.builder()
                  .setCameraId(e.getKey())
                  .setSources(e.getValue())
                  .optRealtime(true)
                  .build();
          ingests.add(pool.submit(() -> new VideoIngestor(o).run(producer)));
        }

        CommittedRecords.atLeast(bootstrap, Topics.EMBEDDINGS, 16, Duration.ofSeconds(60));
        extractor.kill();
        assertFalse(ingests.get(0).isDone(), "the streams must still run when the extractor dies");
        extractor = startExtractor(bootstrap, "extract-second");

        Map<String, Long> published = Cameras.published(ingests);
        long total = published.values().stream().mapToLong(Long::longValue).sum();
        String context = "\nextractor log:\n" + extractor.logTail(3000);
        Map<String, List<Prediction>> predictions;
        try {
          StreamChecks.assertOneEmbeddingPerFrame(
              StreamChecks.embeddings(
                  CommittedRecords.atLeast(
                      bootstrap, Topics.EMBEDDINGS, total, Duration.ofSeconds(60))),
              published);
          predictions =
              StreamChecks.predictions(
                  CommittedRecords.atLeast(
                      bootstrap, Topics.PREDICTIONS, total, Duration.ofSeconds(60)));
          StreamChecks.assertOnePredictionPerStep(predictions, published, model.config().window());
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + context, e);
        }
        List<ActionEvent> events =
            StreamChecks.events(
                CommittedRecords.read(
                    bootstrap,
                    Topics.EVENTS,
                    got -> true,
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(10)));
        System.out.println(
            "ExtractorCrashIT: published "
                + published
                + ", embeddings of aborted transactions (redone after the kill): "
                + CommittedRecords.aborted(bootstrap, Topics.EMBEDDINGS, total)
                + ", events "
                + StreamChecks.countByType(events));
        assertTrue(
            events.stream().anyMatch(e -> e.type() == ActionEvent.Type.ACTION_STARTED),
            "some action started (else the event check proves nothing): " + events);
        StreamChecks.assertEventsNeitherDuplicatedNorMissing(events);
        StreamChecks.assertActionEventsFollowPredictions(events, predictions, config);
      } finally {
        pool.shutdownNow();
        extractor.kill();
        model.close();
      }
    }
  }

  /** Waits until the topology runs and the extractor owns the frames' partitions. */
  private static void awaitRunning(DetectorApp detector, String bootstrap) throws Exception {
    GroupAssignments.await(
        bootstrap, ExtractorConfig.DEFAULT_GROUP_ID, Topics.FRAMES, 4, 1, Duration.ofSeconds(60));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (detector.state() != KafkaStreams.State.RUNNING) {
      assertTrue(System.nanoTime() < deadline, "topology not running after 60 s");
      Thread.sleep(100);
    }
  }

  /** {@code oad extract}, exactly-once with one fixed transactional id across restarts. */
  private RoleProcess startExtractor(String bootstrap, String name) throws Exception {
    return RoleProcess.start(
        tmp,
        name,
        List.of(
            "extract",
            "--bootstrap",
            bootstrap,
            "--transactional-id",
            "oad-extractor-0",
            "--metrics-port",
            "-1"),
        // a killed member must leave the group quickly (6 s is the broker's minimum) for the
        // restarted one to take its partitions
        Map.of("OAD_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000"));
  }
}
