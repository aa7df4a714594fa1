package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.FrameHeaders;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.deploy.MetricsText;
import io.oad.detector.Detector;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.extractor.ExtractorService;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.it.ModelHotSwapIT.PredictionReader;
import io.oad.service.DetectorStepModel;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Models;
import io.oad.topology.DetectConfig;
import io.oad.topology.DetectorApp;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.SwappableStepModel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extractor's drop policy through a real (in-process) broker, extractor and topology: frames
 * that are older than the lag bound when the extractor reaches them are dropped and counted, their
 * offsets committed, and the topology treats them as missing steps: padded within the gap limit, a
 * window reset beyond it, never a prediction for a dropped step and never an error.
 *
 * <p>The extractor's clock is the test's: it stands where a live extractor's clock would stand if
 * it had fallen behind by the chosen amount, so which frames lag is exact and the test is stable on
 * a loaded machine.
 */
@Tag("integration")
class DropPolicyIT {
  private static final String CAMERA = "cam-lag";
  private static final long STEP_MS = 250;
  private static final Duration MAX_LAG = Duration.ofSeconds(5);

  @TempDir Path tmp;

  @Test
  void shouldDropLaggingFramesCountThemAndLeaveTheirStepsWithoutPredictions() throws Exception {
    long t0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    SettableClock clock = new SettableClock();
    PrometheusRegistry registry = new PrometheusRegistry();
    PooledPixelBackbone backbone = new PooledPixelBackbone();
    SwappableStepModel model =
        DetectorStepModel.serve(
            Detector.create(
                Models.shippedConfig(backbone.dimension()), Models.WEIZMANN_CLASSES, 1));
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(2, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      ExtractorConfig config =
          ExtractorConfig.builder().setBootstrapServers(bootstrap).optMaxLag(MAX_LAG).build();
      ExtractorService extractor =
          new ExtractorService(
              config,
              backbone,
              new ExtractorMetrics().register(registry),
              new KafkaConsumer<>(config.consumerProperties()),
              new KafkaProducer<>(config.producerProperties()),
              clock);
      Thread extractorThread = new Thread(extractor, "extractor");
      DetectConfig topology =
          DetectConfig.builder()
              .bootstrapServers(bootstrap)
              .stateDir(tmp.resolve("streams"))
              .commitIntervalMs(100)
              .build();
      try (DetectorApp app =
              new DetectorApp(topology, () -> model, new DetectorMetrics().register(registry));
          PredictionReader reader = new PredictionReader(bootstrap);
          KafkaProducer<String, byte[]> camera =
              new KafkaProducer<>(io.oad.ingest.VideoIngestor.producerProperties(bootstrap))) {
        extractorThread.start();
        app.start();
        await(() -> app.state() == KafkaStreams.State.RUNNING, "topology running");

        // frames 0..9 reach an extractor that keeps up (3 s behind the first frame)
        clock.set(t0 + 3_000);
        send(camera, t0, 0, 10);
        await(() -> counter(registry, "oad_extractor_embeddings_produced_total") == 10, "0..9");
        // 8 frames (2 s) reach it when it is 10 s behind: all beyond the 5 s bound
        clock.set(t0 + 10_000);
        send(camera, t0, 10, 18);
        await(() -> dropped(registry) == 8, "10..17 dropped");
        // it caught up: frames 18..29 are embedded; 8 missing steps = the gap limit, padded
        clock.set(t0 + 5_000);
        send(camera, t0, 18, 30);
        await(() -> counter(registry, "oad_extractor_embeddings_produced_total") == 22, "18..29");
        // 12 frames (3 s) dropped: longer than the gap limit, so the window resets after them
        clock.set(t0 + 30_000);
        send(camera, t0, 30, 42);
        await(() -> dropped(registry) == 20, "30..41 dropped");
        clock.set(t0 + 11_000);
        send(camera, t0, 42, 50);
        await(() -> reader.read().size() >= 30, "predictions of the kept frames");
        Thread.sleep(1000); // a prediction for a dropped step or a duplicate would arrive now

        List<Prediction> got = reader.read();
        List<Long> kept = new ArrayList<>();
        LongStream.range(0, 10).forEach(kept::add);
        LongStream.range(18, 30).forEach(kept::add);
        LongStream.range(42, 50).forEach(kept::add);
        assertEquals(kept, got.stream().map(Prediction::sequence).toList(), "no dropped step");
        List<Long> steps = new ArrayList<>(kept.subList(0, 22));
        LongStream.range(0, 8).forEach(steps::add); // the grid re-anchors after the long gap
        assertEquals(steps, got.stream().map(Prediction::step).toList());
        assertFalse(got.get(22).warm(), "a reset window starts cold");

        String metrics = MetricsText.scrape(registry);
        assertTrue(
            metrics.contains(
                "oad_extractor_frames_dropped_total{camera=\""
                    + CAMERA
                    + "\",reason=\"lag\"} 20.0"),
            metrics);
        assertEquals(0, counter(registry, "oad_extractor_deadletters_total"), metrics);
        assertEquals(0, counter(registry, "oad_detector_dropped_total"), "no error, no late frame");
        assertEquals(30, counter(registry, "oad_detector_predictions_total"), metrics);
        assertEquals(
            50,
            committedOffsets(bootstrap, ExtractorConfig.DEFAULT_GROUP_ID),
            "dropped frames' offsets are committed");
      } finally {
        extractor.close();
        extractorThread.join(10_000);
        model.shutdown();
      }
    }
  }

  /** Frames {@code from..to-1} of the camera, one per model step. */
  private static void send(KafkaProducer<String, byte[]> producer, long t0, long from, long to)
      throws IOException {
    for (long seq = from; seq < to; seq++) {
      byte[] jpeg = jpeg(seq);
      ProducerRecord<String, byte[]> r =
          new ProducerRecord<>(Topics.FRAMES, null, t0 + seq * STEP_MS, CAMERA, jpeg);
      FrameHeaders.putLong(r.headers(), FrameHeaders.SEQUENCE, seq);
      FrameHeaders.putLong(r.headers(), FrameHeaders.WIDTH, 64);
      FrameHeaders.putLong(r.headers(), FrameHeaders.HEIGHT, 48);
      FrameHeaders.putString(r.headers(), FrameHeaders.CONTENT_TYPE, FrameHeaders.JPEG);
      producer.send(r);
    }
    producer.flush();
  }

  private static byte[] jpeg(long seed) throws IOException {
    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
    Random random = new Random(seed);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", out);
    return out.toByteArray();
  }

  /** The sum of a group's committed offsets. */
  private static long committedOffsets(String bootstrap, String group) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS)
          .values()
          .stream()
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    }
  }

  private static long dropped(PrometheusRegistry registry) {
    return counter(registry, "oad_extractor_frames_dropped_total");
  }

  /** The sum of a counter's series. */
  private static long counter(PrometheusRegistry registry, String name) {
    double sum = 0;
    for (String line : MetricsText.scrape(registry).split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Math.round(sum);
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

  /** A clock the test moves. */
  private static final class SettableClock extends Clock {
    private final AtomicLong millis = new AtomicLong();

    void set(long epochMillis) {
      millis.set(epochMillis);
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
