package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.deploy.MetricsText;
import io.oad.detector.Detector;
import io.oad.detector.OadtrConfig;
import io.oad.service.DetectorStepModel;
import io.oad.service.EmbeddedKafka;
import io.oad.service.models.ModelMetrics;
import io.oad.service.models.ModelUpdates;
import io.oad.service.models.ModelWatcher;
import io.oad.topology.DetectConfig;
import io.oad.topology.DetectorApp;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.SwappableStepModel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model updates without downtime, through a real (in-process) broker: the detector topology runs
 * with a watched model folder while a camera streams; a new archive dropped into the folder takes
 * over at one step, and a broken one is refused while the previous version keeps serving.
 */
@Tag("integration")
class ModelHotSwapIT {
  private static final OadtrConfig CONFIG = OadtrConfig.tiny();
  private static final int DIM = CONFIG.featureDim();
  private static final List<String> CLASSES = List.of("background", "a", "b", "c", "d");
  private static final long STEP_MS = 250;
  private static final String CAMERA = "cam-swap";

  @TempDir Path tmp;

  @Test
  void shouldSwitchModelsAtOneStepWithoutGapsAndRefuseABrokenArchive() throws Exception {
    OadtrConfig config = CONFIG;
    Path modelDir = Files.createDirectories(tmp.resolve("models"));
    String v1;
    String v2;
    try (Detector first = Detector.create(config, CLASSES, 1)) {
      first.save(modelDir.resolve("v001"));
      v1 = first.modelId();
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    ModelMetrics modelMetrics = new ModelMetrics().register(registry);
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(2, Topics.all());
      // what oad detect --model-dir wires: the greatest version serves at start, the watcher swaps
      ModelWatcher watcher =
          new ModelWatcher(
              ModelMetrics.ROLE_DETECTOR,
              modelDir,
              ModelUpdates.DETECTOR_MARKER,
              modelMetrics,
              Duration.ofMillis(200));
      SwappableStepModel models =
          DetectorStepModel.serve(Detector.load(watcher.latest().orElseThrow()));
      modelMetrics.serving(ModelMetrics.ROLE_DETECTOR, models.modelId());
      assertEquals(v1, models.modelId());
      DetectConfig topology =
          DetectConfig.builder()
              .bootstrapServers(kafka.bootstrapServers())
              .stateDir(tmp.resolve("streams"))
              .commitIntervalMs(100)
              .build();
      AtomicBoolean stop = new AtomicBoolean();
      long[] sent = {0};
      try (DetectorApp app =
              new DetectorApp(topology, () -> models, new DetectorMetrics().register(registry));
          PredictionReader reader = new PredictionReader(kafka.bootstrapServers())) {
        Thread camera =
            new Thread(
                () -> stream(kafka.bootstrapServers(), stop, sent, () -> reader.read().size()),
                "camera");
        watcher.start(ModelUpdates.detector(models, () -> null));
        app.start();
        await(() -> app.state() == KafkaStreams.State.RUNNING, "topology running");
        camera.start();
        await(() -> reader.read().size() >= 20, "predictions of the first version");

        // a new version: another training (seed), saved under a temporary name, then renamed
        try (Detector second = Detector.create(config, CLASSES, 2)) {
          second.save(modelDir.resolve("v002.tmp"));
          v2 = second.modelId();
        }
        assertNotEquals(v1, v2);
        Files.move(
            modelDir.resolve("v002.tmp"), modelDir.resolve("v002"), StandardCopyOption.ATOMIC_MOVE);
        await(() -> lastModel(reader.read()).equals(v2), "predictions of the second version");
        int atSwitch = reader.read().size();

        // a broken version: v002's manifest under a new id, its weights cut in half
        Path broken = Files.createDirectories(modelDir.resolve("v003.part"));
        for (Path f : List.of(Path.of("model.json"), Path.of("weights.npz"))) {
          Files.copy(modelDir.resolve("v002").resolve(f), broken.resolve(f));
        }
        Files.writeString(
            broken.resolve("model.json"),
            Files.readString(broken.resolve("model.json")).replace(v2, "oadtr-broken-v3"));
        try (FileChannel ch =
            FileChannel.open(broken.resolve("weights.npz"), StandardOpenOption.WRITE)) {
          ch.truncate(ch.size() / 2);
        }
        Files.move(broken, modelDir.resolve("v003"), StandardCopyOption.ATOMIC_MOVE);
        await(() -> MetricsText.scrape(registry).contains(failures(1)), "the broken one refused");
        int atRefusal = reader.read().size();
        await(() -> reader.read().size() >= atRefusal + 10, "predictions after the refusal");
        stop.set(true);
        camera.join(10_000);
        await(() -> reader.read().size() >= sent[0], "a prediction for every embedding");
        Thread.sleep(1000); // a duplicate would arrive now

        List<Prediction> all = reader.read();
        assertEquals(sent[0], all.size(), "one prediction per embedding, none duplicated");
        int switchAt = -1;
        for (int i = 0; i < all.size(); i++) {
          Prediction p = all.get(i);
          assertEquals(i, p.step(), "no step missing or repeated at " + i);
          assertEquals(i, p.sequence());
          if (switchAt < 0 && p.modelId().equals(v2)) {
            switchAt = i;
          }
          assertEquals(switchAt < 0 ? v1 : v2, p.modelId(), "model of step " + i);
        }
        assertTrue(switchAt >= 20 && switchAt <= atSwitch, "switched at step " + switchAt);
        assertTrue(all.size() - switchAt >= 10, "the second version kept serving");
        String metrics = MetricsText.scrape(registry);
        assertTrue(
            metrics.contains("oad_model_info{model_id=\"" + v2 + "\",role=\"detector\"} 1.0"),
            metrics);
        assertFalse(metrics.contains(v1 + "\""), "the replaced version's info series is gone");
        assertFalse(metrics.contains("oad-broken-v3"), metrics);
        assertTrue(metrics.contains("oad_model_reloads_total{role=\"detector\"} 1.0"), metrics);
        assertTrue(metrics.contains(failures(1)), metrics);
      } finally {
        stop.set(true);
        watcher.close();
        models.shutdown();
      }
    }
  }

  private static String failures(int n) {
    return "oad_model_reload_failures_total{role=\"detector\"} " + n + ".0";
  }

  private static String lastModel(List<Prediction> predictions) {
    return predictions.isEmpty() ? "" : predictions.get(predictions.size() - 1).modelId();
  }

  /**
   * One embedding per model step (capture times on the step grid), up to 20 per second and at most
   * 10 ahead of the predictions read, so that a slow machine does not build a backlog.
   */
  private static void stream(
      String bootstrap, AtomicBoolean stop, long[] sent, IntSupplier predictions) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    EmbeddingSerde serde = new EmbeddingSerde();
    Random random = new Random(7);
    long t0 = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (long seq = 0; !stop.get(); seq++) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
          v[i] = (float) random.nextGaussian();
        }
        long capture = t0 + seq * STEP_MS;
        Embedding e = new Embedding(seq, capture, "test-extractor", v);
        producer.send(
            new ProducerRecord<>(
                Topics.EMBEDDINGS, null, capture, CAMERA, serde.serialize(Topics.EMBEDDINGS, e)));
        producer.flush();
        sent[0] = seq + 1;
        Thread.sleep(50);
        while (!stop.get() && sent[0] - predictions.getAsInt() > 10) {
          Thread.sleep(20);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Reads committed predictions on its own thread. */
  static final class PredictionReader implements AutoCloseable {
    private final List<Prediction> got = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    PredictionReader(String bootstrap) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + System.nanoTime());
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      JsonSerde<Prediction> serde = JsonSerde.predictions();
      thread =
          new Thread(
              () -> {
                try (KafkaConsumer<String, byte[]> c =
                    new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
                  c.subscribe(List.of(Topics.PREDICTIONS));
                  while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                      Prediction pr = serde.deserialize(r.topic(), r.value());
                      synchronized (got) {
                        got.add(pr);
                      }
                    }
                  }
                }
              },
              "prediction-reader");
      thread.start();
    }

    List<Prediction> read() {
      synchronized (got) {
        return new ArrayList<>(got);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(5000);
    }
  }
}
