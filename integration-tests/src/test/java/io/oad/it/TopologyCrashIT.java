package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.deploy.OadCli;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.extractor.ExtractorService;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Pipeline;
import io.oad.service.PredictionReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once through a crash: the detector topology runs as a separate process ({@code oad
 * detect}), is killed with SIGKILL in the middle of a live stream and started again; read
 * committed, {@code oad.predictions} then holds exactly one prediction per step, none lost and none
 * duplicated. Batching across cameras is on, with steps waiting in the batch across commits, so the
 * restarted detector must predict the steps its store still holds as not predicted.
 */
@Tag("integration")
class TopologyCrashIT {
  @TempDir Path tmp;

  @Test
  void shouldHoldExactlyOnePredictionPerStepAfterTheDetectorIsKilledAndRestarted()
      throws Exception {
    Path clips = EndToEndIT.weizmann();
    List<String> sources = new ArrayList<>();
    for (String a : List.of("walk", "wave1", "run", "bend", "jack", "skip")) {
      sources.add(clips.resolve("videos/" + a + "/daria_" + a + ".avi").toString());
    }
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      ExtractorService extractor =
          new ExtractorService(
              ExtractorConfig.builder().setBootstrapServers(bootstrap).build(),
              new PooledPixelBackbone(),
              new ExtractorMetrics());
      Thread extractorThread = new Thread(extractor, "test-extractor");
      extractorThread.start();
      Process detector = startDetector(bootstrap, "first");
      // on a busy machine the detector JVM takes a while to start: the stream must not be over
      // before it takes part
      awaitDetectorAssigned(bootstrap, Duration.ofSeconds(120));
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
        // frames arrive at capture speed (4 per second), so the kill lands in the middle of the
        // stream
        IngestOptions options =
            IngestOptions.builder()
                .setCameraId("cam-x")
                .setSources(sources)
                .optRealtime(true)
                .build();
        Future<IngestResult> ingest = pool.submit(() -> new VideoIngestor(options).run(producer));

        waitForPredictions(bootstrap, 12, Duration.ofSeconds(90));
        detector.destroyForcibly().waitFor();
        assertTrue(
            !ingest.isDone(),
            () ->
                "the stream must still be running when the detector dies; its log:\n"
                    + logTail("first"));
        detector = startDetector(bootstrap, "second");

        long published = ingest.get().framesPublished();
        Map<String, List<Prediction>> got =
            PredictionReader.read(bootstrap, published, Duration.ofSeconds(120));
        List<Prediction> ps = got.getOrDefault("cam-x", List.of());
        assertEquals(
            published, ps.size(), "one prediction per published frame, after the crash too");
        // the kill left steps waiting in a committed batch, and the restarted detector found them
        boolean foundWaiting =
            Files.readString(tmp.resolve("detect-second.log"))
                .contains("not yet predicted in the store");
        System.out.println(
            "TopologyCrashIT: restarted detector found waiting steps in its store: "
                + foundWaiting);
        assertTrue(
            foundWaiting,
            () ->
                "the restarted detector found no step waiting in its store (the batching path of"
                    + " the crash was not exercised); its log:\n"
                    + logTail("second"));
        for (int i = 0; i < ps.size(); i++) {
          assertEquals(
              i, ps.get(i).sequence(), "sequence at position " + i + " (no loss, no duplicate)");
        }
      } finally {
        pool.shutdownNow();
        detector.destroyForcibly().waitFor();
        extractor.close();
        extractorThread.join(10_000);
      }
    }
  }

  private static void waitForPredictions(String bootstrap, long n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long seen =
          PredictionReader.read(bootstrap, n, Duration.ofSeconds(3)).values().stream()
              .mapToLong(List::size)
              .sum();
      if (seen >= n) {
        return;
      }
    }
    throw new AssertionError(
        "the detector produced fewer than " + n + " predictions in " + timeout);
  }

  /** The last lines of a detector's log, for failure messages. */
  private String logTail(String name) {
    try {
      List<String> lines = Files.readAllLines(tmp.resolve("detect-" + name + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Waits until the detector's consumer group is stable with the embeddings assigned. */
  private static void awaitDetectorAssigned(String bootstrap, Duration timeout) throws Exception {
    String group = Pipeline.TOPOLOGY_GROUP;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        ConsumerGroupDescription d;
        try {
          d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof GroupIdNotFoundException)) {
            throw e;
          }
          d = null; // not created yet
        }
        boolean assigned =
            d != null
                && d.groupState() == GroupState.STABLE
                && d.members().stream()
                    .flatMap(m -> m.assignment().topicPartitions().stream())
                    .anyMatch(tp -> tp.topic().equals(Topics.EMBEDDINGS));
        if (assigned) {
          return;
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError("the detector did not join its group within " + timeout);
  }

  /** {@code oad detect} in its own JVM, with the same classpath as this test. */
  private Process startDetector(String bootstrap, String name) throws Exception {
    Path log = tmp.resolve("detect-" + name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "-Dai.djl.offline=true",
            "-Doad.home=" + tmp.resolve("home"),
            "-cp",
            System.getProperty("java.class.path"),
            OadCli.class.getName(),
            "detect",
            "--bootstrap",
            bootstrap,
            "--state-dir",
            tmp.resolve("detector-state").toString(),
            "--metrics-port",
            "-1");
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    // a killed member must leave the group quickly for the restarted one to take its partitions
    pb.environment().put("OAD_KAFKA_SESSION_TIMEOUT_MS", "6000");
    // batching on (the default) with a wait of four steps: a step waits in the batch until later
    // frames come, so every commit, and so the kill, finds a step not yet predicted
    pb.environment().put("OAD_DETECT_BATCH_MAX_WAIT_MS", "1000");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Files.createDirectories(tmp.resolve("home"));
    return pb.start();
  }
}
