package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

/**
 * Frames as a generic publisher sends them (kcat, librdkafka, an FFmpeg pipeline): a key and an
 * image, no headers. Sequence, size and capture time are derived; JPEG and PNG are accepted.
 */
class KeyOnlyFramesTest {
  private static final TopicPartition P0 = new TopicPartition(Topics.FRAMES, 0);
  private static final long T0 = 1_700_000_000_000L;

  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExtractorMetrics metrics = new ExtractorMetrics().register(registry);
  private RecordingBackbone backbone = new RecordingBackbone(new PooledPixelBackbone(32, 3));
  private ExtractorService service;

  @AfterEach
  void closeService() {
    if (service != null) {
      service.close();
    }
  }

  private ExtractorService newService() {
    service =
        new ExtractorService(
            ExtractorConfig.builder().setBootstrapServers("unused:9092").build(),
            backbone,
            metrics,
            consumer,
            producer);
    return service;
  }

  private void deliver(List<ConsumerRecord<String, byte[]>> records, boolean assign) {
    consumer.schedulePollTask(
        () -> {
          if (assign) {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
          }
          records.forEach(consumer::addRecord);
        });
  }

  private static ConsumerRecord<String, byte[]> record(
      long offset, String camera, long timestamp, byte[] value, Headers headers) {
    return new ConsumerRecord<>(
        P0.topic(),
        P0.partition(),
        offset,
        timestamp,
        TimestampType.CREATE_TIME,
        -1,
        value.length,
        camera,
        value,
        headers == null ? new RecordHeaders() : headers,
        Optional.empty());
  }

  private static byte[] jpeg(long scene) {
    return TestFrames.jpeg(TestFrames.scene(64, 48, scene));
  }

  private List<Embedding> embeddings(String camera) {
    EmbeddingSerde serde = new EmbeddingSerde();
    return producer.history().stream()
        .filter(r -> r.topic().equals(Topics.EMBEDDINGS) && camera.equals(r.key()))
        .map(r -> serde.deserialize(r.topic(), r.value()))
        .toList();
  }

  private List<String> deadLetterReasons() {
    return producer.history().stream()
        .filter(r -> r.topic().equals(Topics.DEADLETTER))
        .map(r -> FrameHeaders.getString(r.headers(), DeadLetterHeaders.REASON))
        .toList();
  }

  @Test
  void shouldEmbedKeyOnlyJpegFramesNumberedByOffsetAtTheirRecordTimestamp() {
    newService();
    List<ConsumerRecord<String, byte[]>> input = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // two cameras interleaved on one partition, no headers at all
      input.add(record(i, i % 2 == 0 ? "cam-a" : "cam-b", T0 + 100 * i, jpeg(i), null));
    }
    deliver(input, true);

    assertEquals(6, service.step());

    assertEquals(List.of(), deadLetterReasons());
    List<Embedding> a = embeddings("cam-a");
    assertEquals(List.of(0L, 2L, 4L), a.stream().map(Embedding::sequence).toList());
    assertEquals(
        List.of(T0, T0 + 200, T0 + 400), a.stream().map(Embedding::captureTimeMs).toList());
    assertEquals(
        List.of(1L, 3L, 5L), embeddings("cam-b").stream().map(Embedding::sequence).toList());
  }

  @Test
  void shouldTakeTheCaptureTimeHeaderOverTheRecordTimestamp() {
    newService();
    Headers headers = new RecordHeaders();
    FrameHeaders.putLong(headers, FrameHeaders.CAPTURE_TIME, T0 + 1234);
    Headers notANumber = new RecordHeaders();
    FrameHeaders.putString(notANumber, FrameHeaders.CAPTURE_TIME, "noon");
    deliver(
        List.of(
            record(0, "cam-a", T0 + 999_999, jpeg(1), headers),
            record(1, "cam-a", T0, jpeg(2), notANumber)),
        true);

    assertEquals(2, service.step());

    List<Embedding> a = embeddings("cam-a");
    assertEquals(1, a.size());
    assertEquals(T0 + 1234, a.get(0).captureTimeMs());
    ProducerRecord<String, byte[]> out = producer.history().get(0);
    assertEquals(T0 + 1234, out.timestamp(), "embedding record timestamp = capture time");
    List<String> reasons = deadLetterReasons();
    assertEquals(1, reasons.size());
    assertTrue(reasons.get(0).startsWith("bad-header: header oad.capture-ms"), reasons.get(0));
  }

  @Test
  void shouldEmbedAKeyOnlyPngAndRefuseOtherFormatsNamingThem() {
    newService();
    byte[] gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0};
    byte[] webp = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};
    deliver(
        List.of(
            record(0, "cam-a", T0, TestFrames.png(TestFrames.scene(64, 48, 3)), null),
            record(1, "cam-a", T0 + 100, gif, null),
            record(2, "cam-a", T0 + 200, webp, null)),
        true);

    assertEquals(3, service.step());

    assertEquals(List.of(0L), embeddings("cam-a").stream().map(Embedding::sequence).toList());
    assertEquals(
        List.of(
            "unsupported-image: GIF (only JPEG and PNG)",
            "unsupported-image: WebP (only JPEG and PNG)"),
        deadLetterReasons());
  }

  @Test
  void shouldPairAKeyOnlyFrameWithItsCamerasPreviousRecordOnThePartition() {
    backbone = new RecordingBackbone(new PooledPixelBackbone(32, 3), true);
    newService();
    List<ConsumerRecord<String, byte[]>> input = new ArrayList<>();
    // offsets 0..5: a b a a(bad) b a ; then, after a gap (offset 7 not seen), a b
    input.add(record(0, "cam-a", T0, jpeg(0), null));
    input.add(record(1, "cam-b", T0 + 10, jpeg(1), null));
    input.add(record(2, "cam-a", T0 + 100, jpeg(2), null));
    input.add(record(3, "cam-a", T0 + 200, new byte[] {'B', 'M', 0, 0}, null));
    input.add(record(4, "cam-b", T0 + 210, jpeg(4), null));
    input.add(record(5, "cam-a", T0 + 300, jpeg(5), null));
    deliver(input, true);
    assertEquals(6, service.step());
    deliver(
        List.of(
            record(7, "cam-a", T0 + 500, jpeg(7), null),
            record(8, "cam-a", T0 + 600, jpeg(8), null)),
        false);
    assertEquals(2, service.step());

    List<FrameInput> frames = backbone.frames;
    assertEquals(7, frames.size(), "every good frame embedded once");
    assertNull(frames.get(0).previous(), "cam-a's first frame");
    assertNull(frames.get(1).previous(), "cam-b's first frame");
    assertSameScene(frames.get(0).current(), frames.get(2).previous(), "a@2 pairs with a@0");
    assertSameScene(frames.get(1).current(), frames.get(3).previous(), "b@4 pairs with b@1");
    assertNull(frames.get(4).previous(), "a@5 follows a bad frame of cam-a: not paired across it");
    assertNull(frames.get(5).previous(), "a@7 follows an offset this extractor did not see");
    assertSameScene(frames.get(5).current(), frames.get(6).previous(), "a@8 pairs with a@7");
  }

  @Test
  void shouldBoundKeyOnlyFramesPixelsFromTheImagesOwnHeader() {
    try (BatchEmbedder embedder =
        new BatchEmbedder(backbone, metrics, Topics.EMBEDDINGS, Topics.DEADLETTER)) {
      byte[] large = TestFrames.jpeg(TestFrames.scene(1280, 720, 1));
      assertEquals(1280L * 720, embedder.decodedPixels(record(0, "cam-a", T0, large, null)));
      byte[] png = TestFrames.png(TestFrames.scene(640, 480, 1));
      assertEquals(640L * 480, embedder.decodedPixels(record(1, "cam-a", T0, png, null)));
    }
  }

  private static void assertSameScene(BufferedImage expected, BufferedImage actual, String what) {
    assertNotNull(actual, what);
    assertEquals(expected.getWidth(), actual.getWidth(), what);
    for (int y = 0; y < expected.getHeight(); y += 7) {
      for (int x = 0; x < expected.getWidth(); x += 7) {
        assertEquals(expected.getRGB(x, y), actual.getRGB(x, y), what + " at " + x + "," + y);
      }
    }
  }
}
