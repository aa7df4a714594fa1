package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.ingest.VideoIngestor;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Models;
import io.oad.topology.DetectConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out and failover of the detector: two {@code oad detect} processes of one application share
 * an {@code oad.embeddings} topic of 4 partitions carrying 8 cameras; one is killed with SIGKILL in
 * the middle of the stream. The survivor takes over the killed instance's cameras with their
 * windows restored from the changelog (no standby replicas): read committed, every camera still has
 * exactly one prediction per step, the step grid and the warm flag continue where the killed
 * instance left them, and no event is duplicated.
 *
 * <p>Takeover time depends on the timeouts set here: consumer session 6 s (the broker's minimum),
 * producer transaction timeout 5 s (the killed instance's open transaction blocks read-committed
 * readers of its partitions until the broker aborts it; the broker looks for expired transactions
 * every 10 s by default). The test prints the takeover time and how much work was redone.
 */
@Tag("integration")
class TopologyScaleOutIT {
  static final int PARTITIONS = 4;
  static final int CAMERAS = 8;
  private static final int DIM = PooledPixelBackbone.DEFAULT_DIMENSION;
  private static final int WINDOW = Models.shippedConfig(DIM).window();
  private static final int STEPS = WINDOW + 48;
  private static final long TICK_MS = 150;
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path tmp;

  @Test
  void shouldContinueTheKilledInstancesCamerasWithWarmWindowsAndOnePredictionPerStep()
      throws Exception {
    List<String> cameras = cameras(PARTITIONS, CAMERAS);
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(PARTITIONS, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      RoleProcess victim = startDetector(bootstrap, "detect-a");
      RoleProcess survivor = startDetector(bootstrap, "detect-b");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try (ArrivalRecorder predictions = new ArrivalRecorder(bootstrap, Topics.PREDICTIONS);
          ArrivalRecorder events = new ArrivalRecorder(bootstrap, Topics.EVENTS)) {
        Map<String, Set<Integer>> owners =
            GroupAssignments.await(
                bootstrap,
                DetectConfig.DEFAULT_APPLICATION_ID,
                Topics.EMBEDDINGS,
                PARTITIONS,
                2,
                Duration.ofSeconds(90));
        Set<String> victimCameras = camerasOf(owners, victim.name(), cameras);
        assertFalse(victimCameras.isEmpty(), "each instance owns cameras: " + owners);
        assertTrue(victimCameras.size() < cameras.size(), "each instance owns cameras: " + owners);

        log("group settled: " + owners);
        AtomicBoolean killed = new AtomicBoolean();
        // until the kill the sender stays at most a few steps ahead of the predictions, so that
        // the kill lands mid-stream however slow this machine is
        Future<?> sender =
            pool.submit(
                () ->
                    sendEmbeddings(
                        bootstrap,
                        cameras,
                        s -> {
                          while (!killed.get()
                              && s > 4 + minSequence(predictions.records(), cameras)) {
                            Thread.sleep(20);
                          }
                        }));
        // kill once the victim's cameras are warm, i.e. their windows are full
        assertTrue(
            predictions.await(
                rs -> victimCameras.stream().allMatch(c -> maxSequence(rs, c) >= WINDOW + 2),
                Duration.ofSeconds(60)),
            "the victim did not predict warm steps:\n" + victim.logTail(3000));
        long killNanos = System.nanoTime();
        victim.kill();
        killed.set(true);
        log("killed " + victim.name() + ", owner of " + victimCameras);
        assertFalse(sender.isDone(), "the stream must still run when the detector dies");
        long toRestore =
            ChangelogOffsets.records(
                bootstrap,
                DetectConfig.DEFAULT_APPLICATION_ID,
                owners.get(firstKey(owners, victim.name())));
        sender.get();
        log("stream sent");

        long total = (long) STEPS * cameras.size();
        boolean complete = predictions.await(rs -> rs.size() >= total, Duration.ofSeconds(60));
        log("predictions complete: " + complete);
        Thread.sleep(2_000); // late duplicates would show up now
        String logs = "\nsurvivor log:\n" + survivor.logTail(3000);
        assertTrue(complete, predictions.records().size() + " of " + total + " predictions" + logs);
        Map<String, Long> published = new TreeMap<>();
        cameras.forEach(c -> published.put(c, (long) STEPS));
        Map<String, List<Prediction>> byCamera = StreamChecks.predictions(predictions.records());
        StreamChecks.assertOnePredictionPerStep(byCamera, published, WINDOW);

        ArrivalRecorder.Arrival first =
            predictions.firstAfter(killNanos + 1_000_000_000L, victimCameras);
        assertNotNull(first, "the survivor predicted the victim's cameras");
        Prediction firstTaken = JsonSerde.predictions().deserialize("t", first.record().value());
        assertTrue(firstTaken.warm(), "warm right after the takeover: " + firstTaken);
        assertTrue(firstTaken.step() > WINDOW, "the step grid continued: " + firstTaken);
        long redone = CommittedRecords.aborted(bootstrap, Topics.PREDICTIONS, total);

        // every camera goes quiet at the end: exactly one offline report each (wall clock, 10 s)
        boolean offline =
            events.await(
                rs -> offlineCameras(StreamChecks.events(rs)).size() == cameras.size(),
                Duration.ofSeconds(30));
        List<ActionEvent> evs = StreamChecks.events(events.records());
        assertTrue(offline, "cameras reported offline: " + offlineCameras(evs) + logs);
        StreamChecks.assertEventsNeitherDuplicatedNorMissing(evs);
        assertTrue(
            evs.stream().anyMatch(e -> e.type() == ActionEvent.Type.ACTION_STARTED),
            "some action started (else the event check proves little): "
                + StreamChecks.countByType(evs));
        StreamChecks.assertActionEventsFollowPredictions(evs, byCamera, LowThresholds.rules());
        Map<String, Integer> noOutage = new TreeMap<>();
        cameras.forEach(c -> noOutage.put(c, 0));
        // the takeover is no outage of the cameras: no offline/online pair, one offline at the end
        StreamChecks.assertCameraEvents(evs, noOutage, true);

        System.out.printf(
            "TopologyScaleOutIT: %d cameras on %d partitions, victim owned %s (%s); takeover %d ms"
                + " (kill -> first prediction of %s by the survivor, step %d, warm); changelog"
                + " records of the victim's tasks restored by the survivor: %d; predictions redone"
                + " (aborted transactions): %d; events %s%n",
            cameras.size(),
            PARTITIONS,
            owners.get(firstKey(owners, victim.name())),
            victimCameras,
            (first.nanos() - killNanos) / 1_000_000,
            firstTaken.camera(),
            firstTaken.step(),
            toRestore,
            redone,
            StreamChecks.countByType(evs));
      } finally {
        pool.shutdownNow();
        victim.kill();
        survivor.kill();
      }
    }
  }

  /** {@code n} camera ids, as many on each of the {@code partitions} partitions. */
  static List<String> cameras(int partitions, int n) {
    Map<Integer, List<String>> byPartition = new TreeMap<>();
    for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < n; i++) {
      String cam = "cam-" + i;
      List<String> on =
          byPartition.computeIfAbsent(
              GroupAssignments.partitionOf(cam, partitions), k -> new ArrayList<>());
      if (on.size() < n / partitions) {
        on.add(cam);
      }
    }
    List<String> all = new ArrayList<>();
    byPartition.values().forEach(all::addAll);
    return all;
  }

  /** The cameras on the partitions of the member whose client id starts with {@code name}. */
  static Set<String> camerasOf(
      Map<String, Set<Integer>> owners, String name, List<String> cameras) {
    Set<Integer> parts = owners.get(firstKey(owners, name));
    Set<String> own = new TreeSet<>();
    for (String c : cameras) {
      if (parts.contains(GroupAssignments.partitionOf(c, PARTITIONS))) {
        own.add(c);
      }
    }
    return own;
  }

  static String firstKey(Map<String, Set<Integer>> owners, String prefix) {
    return owners.keySet().stream()
        .filter(k -> k.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no member " + prefix + " in " + owners));
  }

  /** The lowest of the cameras' highest predicted sequences (-1 while one has none). */
  static long minSequence(
      List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> rs,
      List<String> cameras) {
    long min = Long.MAX_VALUE;
    for (String c : cameras) {
      min = Math.min(min, maxSequence(rs, c));
    }
    return min;
  }

  static void log(String what) {
    System.out.println(java.time.LocalTime.now() + " TopologyScaleOutIT: " + what);
  }

  static long maxSequence(
      List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> rs, String camera) {
    JsonSerde<Prediction> serde = JsonSerde.predictions();
    long max = -1;
    for (var r : rs) {
      if (camera.equals(r.key())) {
        max = Math.max(max, serde.deserialize(r.topic(), r.value()).sequence());
      }
    }
    return max;
  }

  private static Set<String> offlineCameras(List<ActionEvent> events) {
    Set<String> cams = new TreeSet<>();
    events.stream()
        .filter(e -> e.type() == ActionEvent.Type.CAMERA_OFFLINE)
        .forEach(e -> cams.add(e.camera()));
    return cams;
  }

  /**
   * One embedding per camera and step (capture times one step apart), a step every 150 ms at most,
   * each step once {@code gate} lets it go.
   */
  private static Void sendEmbeddings(String bootstrap, List<String> cameras, StepGate gate)
      throws Exception {
    EmbeddingSerde serde = new EmbeddingSerde();
    Random random = new Random(5);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
      for (int s = 0; s < STEPS; s++) {
        gate.await(s);
        for (String c : cameras) {
          float[] v = new float[DIM];
          for (int i = 0; i < DIM; i++) {
            v[i] = random.nextFloat();
          }
          long t = T0 + 250L * s;
          Embedding e = new Embedding(s, t, "pooled-pixels-test", v);
          producer.send(
              new ProducerRecord<>(Topics.EMBEDDINGS, null, t, c, serde.serialize("t", e)));
        }
        producer.flush();
        Thread.sleep(TICK_MS);
      }
    }
    return null;
  }

  /** Holds the sender before step {@code s} as long as it should wait. */
  interface StepGate {
    void await(int s) throws InterruptedException;
  }

  /** {@code oad detect} with its own state folder and a client id that names it in the group. */
  private RoleProcess startDetector(String bootstrap, String name) throws Exception {
    return RoleProcess.start(
        tmp,
        name,
        List.of(
            "detect",
            "--bootstrap",
            bootstrap,
            "--state-dir",
            tmp.resolve("state-" + name).toString(),
            "--metrics-port",
            "-1"),
        LowThresholds.with(
            Map.of(
                "OAD_KAFKA_CLIENT_ID", name,
                "OAD_KAFKA_SESSION_TIMEOUT_MS", "6000",
                "OAD_KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS", "5000")));
  }
}
