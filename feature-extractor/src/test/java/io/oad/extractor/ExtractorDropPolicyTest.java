package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The extractor's drop policy for lagging frames and its backbone hand-over between batches. */
class ExtractorDropPolicyTest {
  private static final TopicPartition CAM_A = new TopicPartition(Topics.FRAMES, 0);
  private static final TopicPartition CAM_B = new TopicPartition(Topics.FRAMES, 1);
  private static final long T0 = 1_700_000_000_000L;
  private static final long FRAME_MS = 40;

  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final RecordingBackbone backbone = new RecordingBackbone(new PooledPixelBackbone(32, 3));
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
  void shouldDropFramesOlderThanTheLagBoundCountThemAndCommitTheirOffsets() throws IOException {
    // now = capture time of frame 10 + 1 s: frames 0..9 are more than 1 s old
    service = newService(config().optMaxLag(Duration.ofSeconds(1)).build(), at(10, 1000));
    deliver(frames(CAM_A, "cam-a", 20));

    assertEquals(20, service.step());

    assertEquals(range(10, 20), sequencesOf("cam-a"), "frame 10 (exactly 1 s old) is kept");
    assertEquals(List.of(10), backbone.batchSizes, "dropped frames are not embedded");
    assertEquals(20L, consumer.committed(Set.of(CAM_A)).get(CAM_A).offset());
    String text = scrape();
    assertTrue(
        text.contains("oad_extractor_frames_dropped_total{camera=\"cam-a\",reason=\"lag\"} 10.0"),
        text);
    assertTrue(text.contains("oad_extractor_embeddings_produced_total 10.0"), text);
  }

  @Test
  void shouldKeepEveryKthLaggingFramePerCameraWhenSamplingDown() throws IOException {
    service =
        newService(
            config().optMaxLag(Duration.ofSeconds(1)).optLagSampleEvery(3).build(), at(10, 1000));
    List<ConsumerRecord<String, byte[]>> input = new ArrayList<>(frames(CAM_A, "cam-a", 20));
    input.addAll(frames(CAM_B, "cam-b", 20));
    deliver(input);

    int processed = 0;
    while (processed < 40) {
      processed += service.step();
    }

    // lagging frames 0..9: the 1st, 4th, 7th and 10th are kept; 10..19 are within the bound
    List<Long> expected = new ArrayList<>(List.of(0L, 3L, 6L, 9L));
    expected.addAll(range(10, 20));
    assertEquals(expected, sequencesOf("cam-a"));
    assertEquals(expected, sequencesOf("cam-b"), "each camera is sampled on its own");
    String text = scrape();
    assertTrue(
        text.contains("oad_extractor_frames_dropped_total{camera=\"cam-b\",reason=\"sample\"} 6.0"),
        text);
  }

  @Test
  void shouldMeasureTheLagFromTheCaptureTimeHeaderWhenSent() {
    // sent now (record timestamps fresh), but captured every 40 ms from T0 says the header
    Clock clock = at(10, 1000);
    List<ConsumerRecord<String, byte[]>> input = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : frames(CAM_A, "cam-a", 20)) {
      Headers headers = new RecordHeaders();
      FrameHeaders.putLong(headers, FrameHeaders.CAPTURE_TIME, r.timestamp());
      input.add(
          new ConsumerRecord<>(
              r.topic(),
              r.partition(),
              r.offset(),
              clock.millis(),
              TimestampType.CREATE_TIME,
              -1,
              r.value().length,
              r.key(),
              r.value(),
              headers,
              Optional.empty()));
    }
    service = newService(config().optMaxLag(Duration.ofSeconds(1)).build(), clock);
    deliver(input);

    assertEquals(20, service.step());

    // key-only frames: numbered by offset, which here equals the frame index
    assertEquals(range(10, 20), sequencesOf("cam-a"), "frames 0..9 are more than 1 s old");
    assertEquals(T0 + FRAME_MS * 10, embeddings("cam-a").get(0).captureTimeMs());
  }

  @Test
  void shouldEmbedOldFramesWhenThePolicyIsOff() {
    service = newService(config().build(), at(10, 3_600_000));
    deliver(frames(CAM_A, "cam-a", 12));

    assertEquals(12, service.step());

    assertEquals(range(0, 12), sequencesOf("cam-a"));
  }

  @Test
  void shouldCommitABatchOfOnlyDroppedFramesWithoutEmbeddingAnything() {
    service = newService(config().optMaxLag(Duration.ofMillis(100)).build(), at(50, 5000));
    deliver(frames(CAM_A, "cam-a", 8));

    assertEquals(8, service.step());

    assertTrue(producer.history().isEmpty());
    assertTrue(backbone.batchSizes.isEmpty());
    assertEquals(8L, consumer.committed(Set.of(CAM_A)).get(CAM_A).offset());
  }

  @Test
  void shouldCapTheCameraLabelOfDroppedFrames() {
    ExtractorMetrics m = new ExtractorMetrics();
    for (int i = 0; i < ExtractorMetrics.MAX_CAMERAS; i++) {
      assertEquals("cam-" + i, m.cameraLabel("cam-" + i));
    }
    assertEquals(ExtractorMetrics.OTHER_CAMERA, m.cameraLabel("one-too-many"));
    assertEquals("cam-7", m.cameraLabel("cam-7"));
  }

  @Test
  void shouldRefuseInvalidDropPolicySettings() {
    assertThrows(
        IllegalArgumentException.class, () -> config().optMaxLag(Duration.ofMillis(-1)).build());
    assertThrows(IllegalArgumentException.class, () -> config().optLagSampleEvery(0).build());
    assertFalse(config().build().dropsLaggingFrames(), "off by default");
  }

  @Test
  void shouldPutANewBackboneInServiceBetweenBatchesAndNameItInEveryEmbedding() throws Exception {
    service = newService(config().optMaxBatchSize(4).build(), Clock.systemUTC());
    deliver(frames(CAM_A, "cam-a", 8));
    assertEquals(4, service.step());

    RecordingBackbone next = new RecordingBackbone(new PooledPixelBackbone(32, 4));
    CompletableFuture<String> done = service.swapBackbone(next);
    assertFalse(done.isDone(), "the swap waits for the loop");
    assertEquals(4, service.step());

    assertEquals(next.id(), done.getNow(null));
    assertEquals(next.id(), service.backboneId());
    assertTrue(backbone.closed, "the old backbone is closed");
    assertEquals(List.of(4), next.batchSizes);
    List<String> ids = embeddings("cam-a").stream().map(Embedding::extractorId).toList();
    assertEquals(List.of(backbone.id(), next.id()), ids.stream().distinct().toList());
    assertEquals(4, ids.stream().filter(next.id()::equals).count());
    assertEquals(next.id(), ids.get(ids.size() - 1));
  }

  @Test
  void shouldRefuseABackboneOfAnotherDimensionAndKeepServing() {
    service = newService(config().build(), Clock.systemUTC());
    try (PooledPixelBackbone other = new PooledPixelBackbone(16, 3)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> service.swapBackbone(other));
      assertTrue(e.getMessage().contains("16-d"), e.getMessage());
    }
    deliver(frames(CAM_A, "cam-a", 2));
    assertEquals(2, service.step());
    assertEquals(backbone.id(), service.backboneId());
    assertFalse(backbone.closed);
  }

  private ExtractorConfig.Builder config() {
    return ExtractorConfig.builder().setBootstrapServers("unused:9092");
  }

  private ExtractorService newService(ExtractorConfig config, Clock clock) {
    return new ExtractorService(config, backbone, metrics, consumer, producer, clock);
  }

  /** A clock standing {@code plusMs} after the capture time of frame {@code sequence}. */
  private static Clock at(long sequence, long plusMs) {
    return Clock.fixed(Instant.ofEpochMilli(T0 + FRAME_MS * sequence + plusMs), ZoneOffset.UTC);
  }

  private void deliver(List<ConsumerRecord<String, byte[]>> records) {
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(CAM_A, CAM_B));
          consumer.updateBeginningOffsets(Map.of(CAM_A, 0L, CAM_B, 0L));
          records.forEach(consumer::addRecord);
        });
  }

  /** Frames 0..n-1 of one camera, captured every 40 ms from T0. */
  private static List<ConsumerRecord<String, byte[]>> frames(
      TopicPartition partition, String camera, int n) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    for (int seq = 0; seq < n; seq++) {
      byte[] jpeg = TestFrames.jpeg(TestFrames.scene(64, 48, seq));
      out.add(
          new ConsumerRecord<>(
              partition.topic(),
              partition.partition(),
              seq,
              T0 + FRAME_MS * seq,
              TimestampType.CREATE_TIME,
              -1,
              jpeg.length,
              camera,
              jpeg,
              TestFrames.headers(seq, 64, 48),
              Optional.empty()));
    }
    return out;
  }

  private List<Embedding> embeddings(String camera) {
    EmbeddingSerde serde = new EmbeddingSerde();
    List<Embedding> out = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : producer.history()) {
      if (r.topic().equals(Topics.EMBEDDINGS) && camera.equals(r.key())) {
        out.add(serde.deserialize(r.topic(), r.value()));
      }
    }
    return out;
  }

  private List<Long> sequencesOf(String camera) {
    return embeddings(camera).stream().map(Embedding::sequence).toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  private String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
