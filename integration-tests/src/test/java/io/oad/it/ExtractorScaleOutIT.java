package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.FrameHeaders;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.detector.Detector;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.ingest.IngestOptions;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out and failover of the extractor: two {@code oad extract} processes of one consumer group,
 * each exactly-once with its own transactional id, share an {@code oad.frames} topic of 4
 * partitions carrying 8 cameras of real video frames; one is killed with SIGKILL in the middle of
 * the stream. The survivor takes over the killed instance's cameras: read committed, {@code
 * oad.embeddings} holds exactly one embedding per frame, and the topology downstream (in this JVM)
 * exactly one prediction per step, with no duplicate or missing event.
 *
 * <p>Timeouts (takeover time depends on them): consumer session 6 s (the broker's minimum),
 * producer transaction timeout 5 s (the killed instance's open transaction holds back
 * read-committed readers and the offsets of its partitions until the broker aborts it, which it
 * checks every 10 s by default).
 */
@Tag("integration")
class ExtractorScaleOutIT {
  private static final int PARTITIONS = TopologyScaleOutIT.PARTITIONS;
  private static final int FRAMES = 72;
  private static final long TICK_MS = 150;
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path tmp;

  @Test
  void shouldContinueTheKilledInstancesCamerasWithOneEmbeddingPerFrame() throws Exception {
    List<String> cameras = TopologyScaleOutIT.cameras(PARTITIONS, TopologyScaleOutIT.CAMERAS);
    List<ProducerRecord<String, byte[]>> video = videoFrames();
    Detector model =
        Detector.create(
            Models.shippedConfig(PooledPixelBackbone.DEFAULT_DIMENSION),
            Models.WEIZMANN_CLASSES,
            1L);
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(PARTITIONS, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      RoleProcess victim = startExtractor(bootstrap, "extract-a");
      RoleProcess survivor = startExtractor(bootstrap, "extract-b");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      DetectConfig config =
          LowThresholds.apply(DetectConfig.builder())
              .bootstrapServers(bootstrap)
              .stateDir(tmp.resolve("streams"))
              .commitIntervalMs(100)
              .build();
      try (DetectorApp detector =
              new DetectorApp(config, () -> new DetectorStepModel(model), new DetectorMetrics());
          ArrivalRecorder embeddings = new ArrivalRecorder(bootstrap, Topics.EMBEDDINGS)) {
        detector.start();
        Map<String, Set<Integer>> owners =
            GroupAssignments.await(
                bootstrap,
                ExtractorConfig.DEFAULT_GROUP_ID,
                Topics.FRAMES,
                PARTITIONS,
                2,
                Duration.ofSeconds(90));
        log("group settled: " + owners);
        Set<String> victimCameras = TopologyScaleOutIT.camerasOf(owners, victim.name(), cameras);
        assertFalse(victimCameras.isEmpty(), "each instance owns cameras: " + owners);
        assertTrue(victimCameras.size() < cameras.size(), "each instance owns cameras: " + owners);

        AtomicBoolean killed = new AtomicBoolean();
        Future<?> sender =
            pool.submit(
                () -> {
                  sendFrames(
                      bootstrap,
                      cameras,
                      video,
                      s -> {
                        // until the kill, stay a few frames ahead of the embeddings, so that the
                        // kill lands mid-stream however slow this machine is
                        while (!killed.get()
                            && s > 4 + minSequence(embeddings.records(), cameras)) {
                          Thread.sleep(20);
                        }
                      });
                  return null;
                });
        assertTrue(
            embeddings.await(
                rs -> victimCameras.stream().allMatch(c -> maxSequence(rs, c) >= 24),
                Duration.ofSeconds(90)),
            "the victim did not embed:\n" + victim.logTail(3000));
        long killNanos = System.nanoTime();
        victim.kill();
        killed.set(true);
        log("killed " + victim.name() + ", owner of " + victimCameras);
        assertFalse(sender.isDone(), "the stream must still run when the extractor dies");
        sender.get();
        log("stream sent");

        long total = (long) FRAMES * cameras.size();
        boolean complete = embeddings.await(rs -> rs.size() >= total, Duration.ofSeconds(60));
        Thread.sleep(2_000); // late duplicates would show up now
        String logs = "\nsurvivor log:\n" + survivor.logTail(3000);
        assertTrue(complete, embeddings.records().size() + " of " + total + " embeddings" + logs);
        Map<String, Long> published = new TreeMap<>();
        cameras.forEach(c -> published.put(c, (long) FRAMES));
        StreamChecks.assertOneEmbeddingPerFrame(
            StreamChecks.embeddings(embeddings.records()), published);

        ArrivalRecorder.Arrival first =
            embeddings.firstAfter(killNanos + 1_000_000_000L, victimCameras);
        assertNotNull(first, "the survivor embedded the victim's cameras");
        Embedding firstTaken = new EmbeddingSerde().deserialize("t", first.record().value());
        long redone = CommittedRecords.aborted(bootstrap, Topics.EMBEDDINGS, total);

        Map<String, List<Prediction>> predictions =
            StreamChecks.predictions(
                CommittedRecords.atLeast(
                    bootstrap, Topics.PREDICTIONS, total, Duration.ofSeconds(90)));
        StreamChecks.assertOnePredictionPerStep(predictions, published, model.config().window());
        List<ActionEvent> events =
            StreamChecks.events(
                CommittedRecords.read(
                    bootstrap,
                    Topics.EVENTS,
                    got -> true,
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(10)));
        assertTrue(
            events.stream().anyMatch(e -> e.type() == ActionEvent.Type.ACTION_STARTED),
            "some action started (else the event check proves nothing): " + events);
        StreamChecks.assertEventsNeitherDuplicatedNorMissing(events);
        StreamChecks.assertActionEventsFollowPredictions(events, predictions, config);

        System.out.printf(
            "ExtractorScaleOutIT: %d cameras on %d partitions, victim owned %s (%s); takeover %d ms"
                + " (kill -> first committed embedding of %s, frame %d, by the survivor);"
                + " embeddings redone (aborted transactions): %d; events %s%n",
            cameras.size(),
            PARTITIONS,
            owners.get(TopologyScaleOutIT.firstKey(owners, victim.name())),
            victimCameras,
            (first.nanos() - killNanos) / 1_000_000,
            first.record().key(),
            firstTaken.sequence(),
            redone,
            StreamChecks.countByType(events));
      } finally {
        pool.shutdownNow();
        victim.kill();
        survivor.kill();
        model.close();
      }
    }
  }

  /** Real frames: Weizmann clips of one subject through the ingest, concatenated. */
  private static List<ProducerRecord<String, byte[]>> videoFrames() {
    Path clips = EndToEndIT.weizmann();
    List<String> sources = new ArrayList<>();
    for (String a : List.of("walk", "wave1", "run", "bend", "jack", "skip", "side", "pjump")) {
      sources.add(clips.resolve("videos/" + a + "/daria_" + a + ".avi").toString());
    }
    MockProducer<String, byte[]> mock =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    new VideoIngestor(IngestOptions.builder().setCameraId("clip").setSources(sources).build())
        .run(mock);
    List<ProducerRecord<String, byte[]>> frames = mock.history();
    assertTrue(frames.size() >= FRAMES, frames.size() + " frames in the clips");
    return frames;
  }

  /**
   * Every camera publishes {@link #FRAMES} frames, each starting at another place in the video,
   * with sequence numbers from 0 and capture times 250 ms apart; a frame every 150 ms at most, each
   * once {@code gate} lets it go.
   */
  private static void sendFrames(
      String bootstrap,
      List<String> cameras,
      List<ProducerRecord<String, byte[]>> video,
      TopologyScaleOutIT.StepGate gate)
      throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
      for (int s = 0; s < FRAMES; s++) {
        gate.await(s);
        for (int c = 0; c < cameras.size(); c++) {
          ProducerRecord<String, byte[]> frame = video.get((s + 9 * c) % video.size());
          Headers headers = new RecordHeaders(frame.headers().toArray());
          FrameHeaders.putLong(headers, FrameHeaders.SEQUENCE, s);
          long t = T0 + 250L * s;
          producer.send(
              new ProducerRecord<>(Topics.FRAMES, null, t, cameras.get(c), frame.value(), headers));
        }
        producer.flush();
        Thread.sleep(TICK_MS);
      }
    }
  }

  private static long minSequence(List<ConsumerRecord<String, byte[]>> rs, List<String> cameras) {
    long min = Long.MAX_VALUE;
    for (String c : cameras) {
      min = Math.min(min, maxSequence(rs, c));
    }
    return min;
  }

  private static long maxSequence(List<ConsumerRecord<String, byte[]>> rs, String camera) {
    EmbeddingSerde serde = new EmbeddingSerde();
    long max = -1;
    for (ConsumerRecord<String, byte[]> r : rs) {
      if (camera.equals(r.key())) {
        max = Math.max(max, serde.deserialize(r.topic(), r.value()).sequence());
      }
    }
    return max;
  }

  private static void log(String what) {
    System.out.println(java.time.LocalTime.now() + " ExtractorScaleOutIT: " + what);
  }

  /** {@code oad extract}, exactly-once, named in the group by its consumer's client id. */
  private RoleProcess startExtractor(String bootstrap, String name) throws Exception {
    return RoleProcess.start(
        tmp,
        name,
        List.of(
            "extract",
            "--bootstrap",
            bootstrap,
            "--transactional-id",
            "oad-" + name,
            "--metrics-port",
            "-1"),
        Map.of(
            "OAD_KAFKA_CONSUMER_CLIENT_ID", name,
            "OAD_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000",
            "OAD_KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS", "5000"));
  }
}
