package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.StepGrid;
import io.oad.contract.Topics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Frames that land in a step their camera already formed ({@link ExtractorConfig#stepsPerSecond()})
 * are decoded but not embedded; everything that might still be needed is embedded.
 */
class ExtractorStepSkipTest {
  private static final TopicPartition PARTITION = new TopicPartition(Topics.FRAMES, 0);
  // a multiple of 250 ms: grid steps start at T0, T0 + 250, T0 + 500, ...
  private static final long T0 = 1_700_000_000_000L;
  private static final long FRAME_MS = 40;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(T0 + 10_000), ZoneOffset.UTC);

  // 25 fps at 4 steps/s: the first frames of the steps at 0, 250, 500, 750 ms are those captured
  // at 0, 280, 520 and 760 ms
  private static final List<Long> FIRST_OF_STEPS = List.of(0L, 7L, 13L, 19L);

  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final RecordingBackbone backbone =
      new RecordingBackbone(new PooledPixelBackbone(32, 3), true);
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExtractorMetrics metrics = new ExtractorMetrics().register(registry);
  private ExtractorService service;

  @AfterEach
  void closeService() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void shouldEmbedOnlyTheFirstFrameOfEachStepAndCommitEveryOffset() throws IOException {
    service = newService(4.0);
    deliver(frames("cam-a", 0, 20));

    assertEquals(20, service.step());

    assertEquals(FIRST_OF_STEPS, sequencesOf("cam-a"));
    assertEquals(List.of(4), backbone.batchSizes, "skipped frames never reach the backbone");
    for (ProducerRecord<String, byte[]> r : producer.history()) {
      assertEquals(
          4.0, StepGrid.rate(r.headers()), "each embedding names the rate it was thinned for");
    }
    assertEquals(20L, consumer.committed(Set.of(PARTITION)).get(PARTITION).offset());
    String text = scrape();
    assertTrue(text.contains("oad_extractor_frames_skipped_total 16.0"), text);
    assertTrue(text.contains("oad_extractor_embeddings_produced_total 4.0"), text);
  }

  @Test
  void shouldPairAnEmbeddedFrameWithTheSkippedFrameJustBeforeIt() throws Exception {
    service = newService(4.0);
    deliver(frames("cam-a", 0, 20));
    service.step();

    // frame 7's motion plane is against frame 6 (decoded, not embedded), not against frame 0
    FrameInput seventh = backbone.frames.get(1);
    assertNotNull(seventh.previous(), "frame 7 has a previous frame");
    try (FrameDecoder decoder = new FrameDecoder()) {
      BufferedImage sixth = decoder.decode(frames("cam-a", 6, 7).get(0).value(), null);
      assertArrayEquals(pixels(sixth), pixels(seventh.previous()));
    }
  }

  @Test
  void shouldEmbedEveryFrameWithoutAStepRate() {
    service = newService(0);
    deliver(frames("cam-a", 0, 20));

    service.step();

    assertEquals(20, sequencesOf("cam-a").size());
    assertTrue(Double.isNaN(StepGrid.rate(producer.history().get(0).headers())), "no rate header");
  }

  @Test
  void shouldKeepSkippingAcrossBatchesButEmbedARestartAndARereadFrame() {
    BatchEmbedder embedder = embedder(4.0);
    List<ConsumerRecord<String, byte[]>> all = frames("cam-a", 0, 20);

    assertEquals(List.of(0L), sequences(embedder.process(all.subList(0, 5))));
    // frames 5 and 6 are still in the step frame 0 formed in the batch before
    assertEquals(List.of(7L), sequences(embedder.process(all.subList(5, 10))));
    // a re-read after a rewind (same offsets, before the last formed one) is embedded: frame 5
    // (the detector drops it as extra_frame) and frame 7 (whose first embedding was not committed)
    assertEquals(List.of(5L, 7L), sequences(embedder.process(all.subList(5, 10))));
    // the camera restarts at sequence 0 within the step just formed: a new stream, embedded
    List<ConsumerRecord<String, byte[]>> restart = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : frames("cam-a", 0, 2)) {
      restart.add(copy(r, r.offset() + 10, T0 + 9 * FRAME_MS));
    }
    assertEquals(List.of(0L), sequences(embedder.process(restart)), "frame 1 is in frame 0's step");
  }

  @Test
  void shouldEmbedTheNextFrameOfAStepWhoseFirstFrameFailed() {
    // the backbone fails on frame 7 (the first of the step at 250 ms) whenever it sees it
    PooledPixelBackbone pooled = new PooledPixelBackbone(32, 3);
    Backbone failing =
        new Backbone() {
          @Override
          public String id() {
            return pooled.id();
          }

          @Override
          public int dimension() {
            return pooled.dimension();
          }

          @Override
          public float[][] embed(List<BufferedImage> images) {
            for (BufferedImage image : images) {
              if (image.getWidth() == 66) {
                throw new IllegalStateException("poisonous frame");
              }
            }
            return pooled.embed(images);
          }

          @Override
          public void close() {
            pooled.close();
          }
        };
    BatchEmbedder embedder =
        new BatchEmbedder(
            failing,
            metrics,
            ExtractorConfig.builder()
                .setBootstrapServers("unused:9092")
                .optStepsPerSecond(4.0)
                .build(),
            CLOCK);
    List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(frames("cam-a", 0, 20));
    ConsumerRecord<String, byte[]> seventh = frame("cam-a", 7, 66, 50);
    batch.set(7, seventh);

    BatchEmbedder.Output output = embedder.process(batch);

    assertEquals(List.of(0L, 8L, 13L, 19L), sequences(output), "frame 8 stands in for frame 7");
    assertEquals(List.of(BadFrameException.Reason.EMBEDDING_FAILED), output.reasons());
    assertEquals(15, output.skipped());
  }

  @Test
  void shouldKeepCamerasApart() {
    BatchEmbedder embedder = embedder(4.0);
    List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> a = frames("cam-a", 0, 8);
    List<ConsumerRecord<String, byte[]>> b = frames("cam-b", 0, 8);
    for (int i = 0; i < 8; i++) {
      batch.add(a.get(i));
      batch.add(copy(b.get(i), 100 + i, b.get(i).timestamp()));
    }
    BatchEmbedder.Output output = embedder.process(batch);
    assertEquals(4, output.embeddings(), "frames 0 and 7 of each camera");
    assertEquals(12, output.skipped());
  }

  private BatchEmbedder embedder(double stepsPerSecond) {
    return new BatchEmbedder(
        backbone,
        metrics,
        ExtractorConfig.builder()
            .setBootstrapServers("unused:9092")
            .optStepsPerSecond(stepsPerSecond)
            .build(),
        CLOCK);
  }

  private ExtractorService newService(double stepsPerSecond) {
    ExtractorConfig config =
        ExtractorConfig.builder()
            .setBootstrapServers("unused:9092")
            .optMaxBatchSize(64)
            .optStepsPerSecond(stepsPerSecond)
            .build();
    return new ExtractorService(config, backbone, metrics, consumer, producer, CLOCK);
  }

  private void deliver(List<ConsumerRecord<String, byte[]>> records) {
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(PARTITION));
          consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
          records.forEach(consumer::addRecord);
        });
  }

  /** Frames {@code from..to-1} of one camera, captured every 40 ms from T0, offset = sequence. */
  private static List<ConsumerRecord<String, byte[]>> frames(String camera, int from, int to) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    for (int seq = from; seq < to; seq++) {
      out.add(frame(camera, seq, 64, 48));
    }
    return out;
  }

  private static ConsumerRecord<String, byte[]> frame(
      String camera, int seq, int width, int height) {
    byte[] jpeg = TestFrames.jpeg(TestFrames.scene(width, height, seq));
    return new ConsumerRecord<>(
        PARTITION.topic(),
        PARTITION.partition(),
        seq,
        T0 + FRAME_MS * seq,
        TimestampType.CREATE_TIME,
        -1,
        jpeg.length,
        camera,
        jpeg,
        TestFrames.headers(seq, width, height),
        Optional.empty());
  }

  private static ConsumerRecord<String, byte[]> copy(
      ConsumerRecord<String, byte[]> r, long offset, long timestamp) {
    return new ConsumerRecord<>(
        r.topic(),
        r.partition(),
        offset,
        timestamp,
        TimestampType.CREATE_TIME,
        -1,
        r.value().length,
        r.key(),
        r.value(),
        r.headers(),
        Optional.empty());
  }

  private static List<Long> sequences(BatchEmbedder.Output output) {
    EmbeddingSerde serde = new EmbeddingSerde();
    List<Long> out = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : output.records()) {
      if (r.topic().equals(Topics.EMBEDDINGS)) {
        out.add(serde.deserialize(r.topic(), r.value()).sequence());
      }
    }
    return out;
  }

  private List<Long> sequencesOf(String camera) {
    EmbeddingSerde serde = new EmbeddingSerde();
    List<Long> out = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : producer.history()) {
      if (r.topic().equals(Topics.EMBEDDINGS) && r.key().equals(camera)) {
        Embedding e = serde.deserialize(r.topic(), r.value());
        out.add(e.sequence());
      }
    }
    return out;
  }

  private static int[] pixels(BufferedImage image) {
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  private String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
