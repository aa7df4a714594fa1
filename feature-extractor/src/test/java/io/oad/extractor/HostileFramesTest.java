package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.CameraIds;
import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The extractor against records an attacker would send: huge or ill-formed camera ids, huge
 * headers, values whose dead-letter copy does not fit the broker, capture times from the future.
 * Every such record ends on the dead-letter topic with a reason, the dead letter always fits, and
 * the good frames around it are embedded.
 */
class HostileFramesTest {
  private static final TopicPartition P0 = new TopicPartition(Topics.FRAMES, 0);
  private static final long NOW = 1_780_000_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
  private static final byte[] JPEG = TestFrames.jpeg(TestFrames.scene(64, 48, 1));

  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final RecordingBackbone backbone = new RecordingBackbone(new PooledPixelBackbone(32, 3));
  private final ExtractorMetrics metrics =
      new ExtractorMetrics().register(new PrometheusRegistry());
  private MockProducer<String, byte[]> producer = new SizeLimitedProducer(1_000_000);
  private ExtractorService service;
  private long offset;

  @AfterEach
  void close() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void shouldDeadLetterFramesWhoseCameraIdBreaksTheRuleAndEmbedTheOthers() {
    service = newService(config().build());
    String huge = "k".repeat(600_000);
    deliver(
        List.of(
            frame(huge, 0, NOW, JPEG, TestFrames.headers(0, 64, 48)),
            frame("front door", 0, NOW, JPEG, TestFrames.headers(0, 64, 48)),
            frame("cam-a", 0, NOW, JPEG, TestFrames.headers(0, 64, 48))));

    assertEquals(3, service.step());

    assertEquals(List.of(1), backbone.batchSizes, "only the valid camera reaches the backbone");
    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(3, sent.size());
    ProducerRecord<String, byte[]> hugeLetter = sent.get(0);
    assertEquals(Topics.DEADLETTER, hugeLetter.topic());
    assertTrue(reason(hugeLetter).startsWith("bad-camera-id: camera id "), reason(hugeLetter));
    assertTrue(
        hugeLetter.key().getBytes(StandardCharsets.UTF_8).length <= DeadLetterHeaders.MAX_KEY_BYTES,
        "the dead letter's key is cut");
    assertEquals(
        600_000, FrameHeaders.getLong(hugeLetter.headers(), DeadLetterHeaders.KEY_TRUNCATED));
    ProducerRecord<String, byte[]> spaceLetter = sent.get(1);
    assertEquals(Topics.DEADLETTER, spaceLetter.topic());
    assertEquals("front door", spaceLetter.key(), "a short key is kept as it is");
    assertTrue(reason(spaceLetter).contains("' '"), reason(spaceLetter));
    assertEquals(Topics.EMBEDDINGS, sent.get(2).topic());
    assertEquals(Map.of(P0, new OffsetAndMetadata(3)), committed());
    assertNull(CameraIds.violation(sent.get(2).key()));
  }

  @Test
  void shouldBoundTheDeadLetterOfAFrameWithHugeHeaders() {
    service = newService(config().build());
    Headers headers = TestFrames.headers(0, 64, 48);
    byte[] garbage = new byte[600_000];
    Arrays.fill(garbage, (byte) '7');
    garbage[599_999] = 'x';
    headers.remove(FrameHeaders.SEQUENCE);
    headers.add(FrameHeaders.SEQUENCE, garbage);
    headers.add("x-junk", new byte[300_000]);
    deliver(
        List.of(
            frame("cam-a", 0, NOW, JPEG, headers),
            frame("cam-a", 1, NOW, JPEG, TestFrames.headers(1, 64, 48))));

    assertEquals(2, service.step());

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(2, sent.size(), "both records published in one batch");
    ProducerRecord<String, byte[]> letter = sent.get(0);
    assertEquals(Topics.DEADLETTER, letter.topic());
    String reason = reason(letter);
    assertTrue(reason.startsWith("bad-header: "), reason);
    assertTrue(
        reason.getBytes(StandardCharsets.UTF_8).length <= DeadLetterHeaders.MAX_REASON_BYTES,
        "reason of " + reason.length() + " chars");
    int headerBytes = 0;
    for (Header h : letter.headers()) {
      headerBytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
    }
    assertTrue(headerBytes <= DeadLetters.MAX_HEADER_BYTES, headerBytes + " header bytes");
    assertEquals(2, FrameHeaders.getLong(letter.headers(), DeadLetterHeaders.HEADERS_DROPPED));
    assertEquals(64, FrameHeaders.getLong(letter.headers(), FrameHeaders.WIDTH), "small ones kept");
    assertTrue(Arrays.equals(JPEG, letter.value()), "the value fits, so it is kept");
    assertEquals(Topics.EMBEDDINGS, sent.get(1).topic());
    assertEquals(Map.of(P0, new OffsetAndMetadata(2)), committed());
  }

  @Test
  void shouldSendAStubWhenTheBrokerRefusesTheDeadLetterAsTooLarge() {
    // the broker takes at most 100 kB per record; the producer's own limit (1 MB) does not see it
    producer = new SizeLimitedProducer(100_000);
    service = newService(config().optTransactionalId("extractor-1").build());
    // the frame itself fits (it reached the broker); its dead-letter copy, with headers, does not
    byte[] notJpeg = new byte[99_900];
    Arrays.fill(notJpeg, (byte) 'A');
    List<ConsumerRecord<String, byte[]>> records =
        List.of(
            frame("cam-a", 0, NOW, JPEG, TestFrames.headers(0, 64, 48)),
            frame("cam-a", 1, NOW, notJpeg, TestFrames.headers(1, 64, 48)),
            frame("cam-a", 2, NOW, JPEG, TestFrames.headers(2, 64, 48)));
    assertTrue(SizeLimitedProducer.size(asProducerRecord(records.get(1))) <= 100_000);
    deliver(records);

    assertEquals(3, service.step());
    assertTrue(producer.history().isEmpty(), "the first attempt is refused and aborted");
    assertEquals(0, consumer.position(P0), "and re-read");
    redeliver(records);
    assertEquals(3, service.step());

    assertTrue(committedInTransaction(3), "the second attempt commits the batch");
    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(
        List.of(Topics.EMBEDDINGS, Topics.DEADLETTER, Topics.EMBEDDINGS),
        sent.stream().map(ProducerRecord::topic).toList());
    ProducerRecord<String, byte[]> stub = sent.get(1);
    assertTrue(stub.value() == null, "a stub carries no value");
    assertEquals("cam-a", stub.key());
    assertEquals(99_900, FrameHeaders.getLong(stub.headers(), DeadLetterHeaders.VALUE_DROPPED));
    assertEquals(1, FrameHeaders.getLong(stub.headers(), DeadLetterHeaders.OFFSET));
    assertEquals(0, FrameHeaders.getLong(stub.headers(), DeadLetterHeaders.PARTITION));
    assertEquals(Topics.FRAMES, FrameHeaders.getString(stub.headers(), DeadLetterHeaders.TOPIC));
    assertTrue(reason(stub).startsWith("unsupported-image: "), reason(stub));
  }

  @Test
  void shouldSendAStubAtOnceWhenTheCopyExceedsTheProducersMaxRequestSize() {
    service = newService(config().optProperty("producer.max.request.size", 120_000).build());
    byte[] notJpeg = new byte[119_990];
    deliver(List.of(frame("cam-a", 0, NOW, notJpeg, TestFrames.headers(0, 64, 48))));

    assertEquals(1, service.step());

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(1, sent.size());
    assertTrue(sent.get(0).value() == null, "a stub carries no value");
    assertEquals(
        119_990, FrameHeaders.getLong(sent.get(0).headers(), DeadLetterHeaders.VALUE_DROPPED));
    assertEquals(Map.of(P0, new OffsetAndMetadata(1)), committed());
  }

  @Test
  void shouldDeadLetterCaptureTimesAheadOfTheClockAndKeepThoseWithinTheTolerance() {
    service = newService(config().build());
    deliver(
        List.of(
            frame("cam-a", 0, NOW + 3_600_000, JPEG, TestFrames.headers(0, 64, 48)),
            frame("cam-a", 1, Long.MAX_VALUE, JPEG, TestFrames.headers(1, 64, 48)),
            frame("cam-a", 2, NOW + 30_000, JPEG, TestFrames.headers(2, 64, 48)),
            frame("cam-a", 3, NOW - 86_400_000, JPEG, TestFrames.headers(3, 64, 48))));

    assertEquals(4, service.step());

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(
        List.of(Topics.DEADLETTER, Topics.DEADLETTER, Topics.EMBEDDINGS, Topics.EMBEDDINGS),
        sent.stream().map(ProducerRecord::topic).toList());
    for (ProducerRecord<String, byte[]> letter : sent.subList(0, 2)) {
      assertTrue(reason(letter).startsWith("bad-capture-time: capture time "), reason(letter));
      assertTrue(reason(letter).contains("ahead of clock"), reason(letter));
    }
    assertNotNull(sent.get(2).value());
  }

  @Test
  void shouldDeadLetterADecompressionBombAndBoundTheDecodedPixelsOfABatch() {
    service =
        newService(
            config()
                .optMaxDecodedPixels(1280 * 720)
                .optMaxBatchPixels(2 * 1280 * 720)
                .optMaxFramePixels(1920 * 1080)
                .build());
    byte[] hd = TestFrames.jpeg(TestFrames.scene(1280, 720, 3));
    byte[] bomb = TestFrames.jpeg(TestFrames.scene(2000, 1200, 4));
    deliver(
        List.of(
            frame("cam-a", 0, NOW, hd, TestFrames.headers(0, 1280, 720)),
            frame("cam-b", 0, NOW, bomb, TestFrames.headers(0, 2000, 1200)),
            frame("cam-a", 1, NOW, hd, TestFrames.headers(1, 1280, 720)),
            frame("cam-a", 2, NOW, hd, TestFrames.headers(2, 1280, 720)),
            frame("cam-a", 3, NOW, hd, TestFrames.headers(3, 1280, 720))));

    int processed = 0;
    while (processed < 5) {
      processed += service.step();
    }

    assertEquals(List.of(2, 2), backbone.batchSizes, "two HD frames per batch at most");
    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(5, sent.size());
    ProducerRecord<String, byte[]> letter = sent.get(1);
    assertEquals(Topics.DEADLETTER, letter.topic());
    assertTrue(reason(letter).startsWith("too-many-pixels: "), reason(letter));
    assertEquals(Map.of(P0, new OffsetAndMetadata(5)), committed());
  }

  private ExtractorConfig.Builder config() {
    return ExtractorConfig.builder().setBootstrapServers("unused:9092");
  }

  private ExtractorService newService(ExtractorConfig config) {
    return new ExtractorService(config, backbone, metrics, consumer, producer, CLOCK);
  }

  private void deliver(List<ConsumerRecord<String, byte[]>> records) {
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0));
          consumer.updateBeginningOffsets(Map.of(P0, 0L));
          records.forEach(consumer::addRecord);
        });
  }

  /** Serves {@code records} again, as the broker does after a seek back. */
  private void redeliver(List<ConsumerRecord<String, byte[]>> records) {
    consumer.schedulePollTask(() -> records.forEach(consumer::addRecord));
  }

  private static ProducerRecord<String, byte[]> asProducerRecord(ConsumerRecord<String, byte[]> r) {
    return new ProducerRecord<>(
        r.topic(), r.partition(), r.timestamp(), r.key(), r.value(), r.headers());
  }

  private ConsumerRecord<String, byte[]> frame(
      String camera, long sequence, long captureMs, byte[] value, Headers headers) {
    return new ConsumerRecord<>(
        P0.topic(),
        P0.partition(),
        offset++,
        captureMs,
        TimestampType.CREATE_TIME,
        -1,
        value.length,
        camera,
        value,
        headers,
        Optional.empty());
  }

  private static String reason(ProducerRecord<String, byte[]> letter) {
    return FrameHeaders.getString(letter.headers(), DeadLetterHeaders.REASON);
  }

  private Map<TopicPartition, OffsetAndMetadata> committed() {
    Map<TopicPartition, OffsetAndMetadata> committed =
        new HashMap<>(consumer.committed(Set.of(P0)));
    committed.values().removeIf(v -> v == null);
    return committed;
  }

  private boolean committedInTransaction(long next) {
    return producer.consumerGroupOffsetsHistory().stream()
        .flatMap(m -> m.values().stream())
        .anyMatch(o -> o.get(P0) != null && o.get(P0).offset() == next);
  }
}
