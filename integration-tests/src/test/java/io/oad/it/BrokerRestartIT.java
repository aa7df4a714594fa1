package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.extractor.ExtractorConfig;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.oad.topology.DetectConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drill: the broker dies (SIGKILL, {@code oad broker} as its own process) in the middle of two real
 * camera streams and comes back 10 s later on the same data folder. The exactly-once extractor and
 * the detector, each its own {@code oad} process, keep running by themselves: read committed, every
 * frame has one embedding and every step one prediction, and the action events are exactly those
 * the predictions cause.
 */
@Tag("integration")
class BrokerRestartIT {
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  @TempDir Path tmp;

  @Test
  void shouldLoseAndRepeatNothingWhenTheBrokerIsKilledAndRestarted() throws Exception {
    int port = freePort();
    String bootstrap = "127.0.0.1:" + port;
    Path data = tmp.resolve("broker-data");
    RoleProcess broker = startBroker(port, data, "broker-1");
    awaitPort(port, Duration.ofSeconds(60), broker);

    Map<String, List<String>> cameras =
        Cameras.weizmann(List.of("daria", "denis"), List.of("walk", "wave1", "jack", "bend"));
    DetectConfig rules = LowThresholds.rules();
    RoleProcess extractor =
        RoleProcess.start(
            tmp,
            "extract",
            List.of(
                "extract",
                "--bootstrap",
                bootstrap,
                "--transactional-id",
                "oad-extractor-0",
                "--metrics-port",
                "-1"),
            Map.of("OAD_KAFKA_SESSION_TIMEOUT_MS", "6000"));
    RoleProcess detector =
        RoleProcess.start(
            tmp,
            "detect",
            List.of(
                "detect",
                "--bootstrap",
                bootstrap,
                "--state-dir",
                tmp.resolve("detect-state").toString(),
                "--metrics-port",
                "-1"),
            LowThresholds.with(Map.of("OAD_KAFKA_SESSION_TIMEOUT_MS", "6000")));
    ExecutorService pool = Executors.newFixedThreadPool(cameras.size());
    RoleProcess current = broker;
    try {
      GroupAssignments.await(
          bootstrap, ExtractorConfig.DEFAULT_GROUP_ID, Topics.FRAMES, 4, 1, Duration.ofSeconds(90));
      GroupAssignments.await(
          bootstrap,
          DetectConfig.DEFAULT_APPLICATION_ID,
          Topics.EMBEDDINGS,
          4,
          1,
          Duration.ofSeconds(90));
      Properties p = new Properties();
      p.putAll(VideoIngestor.producerProperties(bootstrap));
      // the camera side rides out the outage: its frames wait in the producer until the broker
      // is back
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
      List<Future<IngestResult>> ingests = new ArrayList<>();
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
        for (var e : cameras.entrySet()) {
          IngestOptions o =
              IngestOptions.builder()
                  .setCameraId(e.getKey())
                  .setSources(e.getValue())
                  .optRealtime(true)
                  // 35 s at 4 frames/s: frames flow before, during and after the outage
                  .optLoop(true)
                  .optMaxFrames(140)
                  .build();
          ingests.add(pool.submit(() -> new VideoIngestor(o).run(producer)));
        }
        CommittedRecords.atLeast(bootstrap, Topics.PREDICTIONS, 12, Duration.ofSeconds(90));
        current.kill();
        long killed = System.nanoTime();
        assertFalse(ingests.get(0).isDone(), "the streams must still run when the broker dies");
        Thread.sleep(OUTAGE.toMillis());
        current = startBroker(port, data, "broker-2");
        awaitPort(port, Duration.ofSeconds(60), current);
        long back = System.nanoTime();

        Map<String, Long> published = Cameras.published(ingests);
        producer.flush();
        long total = published.values().stream().mapToLong(Long::longValue).sum();
        String logs =
            "\nextract log:\n"
                + extractor.logTail(3000)
                + "\ndetect log:\n"
                + detector.logTail(3000);
        Map<String, List<Prediction>> predictions;
        List<ActionEvent> events;
        long recoveredNanos;
        try {
          StreamChecks.assertOneEmbeddingPerFrame(
              StreamChecks.embeddings(
                  CommittedRecords.atLeast(
                      bootstrap, Topics.EMBEDDINGS, total, Duration.ofSeconds(120))),
              published);
          predictions =
              StreamChecks.predictions(
                  CommittedRecords.atLeast(
                      bootstrap, Topics.PREDICTIONS, total, Duration.ofSeconds(120)));
          recoveredNanos = System.nanoTime() - back;
          StreamChecks.assertOnePredictionPerStep(
              predictions, published, io.oad.service.Models.shippedConfig(256).window());
          events =
              StreamChecks.events(
                  CommittedRecords.read(
                      bootstrap,
                      Topics.EVENTS,
                      got -> true,
                      Duration.ofSeconds(3),
                      Duration.ofSeconds(10)));
          StreamChecks.assertEventsNeitherDuplicatedNorMissing(events);
          StreamChecks.assertActionEventsFollowPredictions(events, predictions, rules);
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + logs, e);
        }
        assertTrue(
            events.stream().anyMatch(e -> e.type() == ActionEvent.Type.ACTION_STARTED),
            "some action started (else the event check proves little): " + events);
        assertTrue(extractor.isAlive(), "the extractor kept running by itself" + logs);
        assertTrue(detector.isAlive(), "the detector kept running by itself" + logs);
        System.out.printf(
            "BrokerRestartIT: broker SIGKILLed, back after %d ms; frames published %s; every frame"
                + " embedded once and every step predicted once, all committed %.1f s after the"
                + " broker was back; events %s; extractor and detector never restarted%n",
            (back - killed) / 1_000_000,
            published,
            recoveredNanos / 1e9,
            StreamChecks.countByType(events));
      }
    } finally {
      pool.shutdownNow();
      extractor.kill();
      detector.kill();
      current.kill();
    }
  }

  private RoleProcess startBroker(int port, Path data, String name) throws IOException {
    return RoleProcess.start(
        tmp,
        name,
        List.of("broker", "--port", String.valueOf(port), "--data", data.toString()),
        Map.of());
  }

  private static void awaitPort(int port, Duration timeout, RoleProcess broker)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        assertTrue(broker.isAlive(), "broker died:\n" + broker.logTail(3000));
        Thread.sleep(200);
      }
    }
    throw new AssertionError(
        "broker not listening after " + timeout + ":\n" + broker.logTail(3000));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
