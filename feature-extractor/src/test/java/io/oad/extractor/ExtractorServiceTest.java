package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExtractorServiceTest {
  private static final TopicPartition CAM_A = new TopicPartition(Topics.FRAMES, 0);
  private static final TopicPartition CAM_B = new TopicPartition(Topics.FRAMES, 1);
  private static final int WIDTH = 64;
  private static final int HEIGHT = 48;
  private static final long T0 = 1_700_000_000_000L;

  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final RecordingBackbone backbone = new RecordingBackbone(new PooledPixelBackbone(32, 3));
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExtractorMetrics metrics = new ExtractorMetrics().register(registry);
  private final Map<String, BufferedImage> scenes = new HashMap<>();
  private ExtractorService service;

  @AfterEach
  void closeService() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void shouldBatchTwoCamerasTogetherAndKeepEachCamerasOrder() throws Exception {
    service = newService(config().build());
    List<ConsumerRecord<String, byte[]>> input = new ArrayList<>();
    for (int seq = 0; seq < 3; seq++) {
      input.add(frame(CAM_A, "cam-a", seq, seq));
      input.add(frame(CAM_B, "cam-b", seq, seq));
    }
    deliver(input);

    assertEquals(6, service.step());

    assertEquals(List.of(6), backbone.batchSizes, "one backbone call for both cameras");
    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(6, sent.size());
    for (String camera : List.of("cam-a", "cam-b")) {
      List<Embedding> embeddings = embeddingsOf(sent, camera);
      assertEquals(List.of(0L, 1L, 2L), embeddings.stream().map(Embedding::sequence).toList());
      for (Embedding e : embeddings) {
        assertEquals(T0 + 40 * e.sequence(), e.captureTimeMs());
        assertEquals(backbone.id(), e.extractorId());
        assertEmbeds(camera, e);
      }
    }
    for (ProducerRecord<String, byte[]> record : sent) {
      assertEquals(Topics.EMBEDDINGS, record.topic());
      Embedding e = new EmbeddingSerde().deserialize(record.topic(), record.value());
      assertEquals(e.captureTimeMs(), record.timestamp(), "record timestamp = capture time");
    }
    assertEquals(
        Map.of(CAM_A, new OffsetAndMetadata(3), CAM_B, new OffsetAndMetadata(3)),
        committedOffsets());
    String text = ExtractorMetricsTest.scrape(registry);
    assertTrue(text.contains("oad_extractor_frames_consumed_total 6.0"), text);
    assertTrue(text.contains("oad_extractor_embeddings_produced_total 6.0"), text);
  }

  @Test
  void shouldPassEachCamerasPreviousFrameOnlyWhenSequencesAreConsecutive() {
    RecordingBackbone motionBackbone = new RecordingBackbone(new PooledPixelBackbone(32, 3), true);
    service =
        new ExtractorService(
            config().optMaxBatchSize(3).build(), motionBackbone, metrics, consumer, producer);
    // two cameras on one partition; batches of 3 so that pairs span batches
    deliver(
        List.of(
            frame(CAM_A, "cam-a", 0, 1),
            frame(CAM_A, "cam-a", 1, 2),
            frame(CAM_A, "cam-b", 5, 3),
            frame(CAM_A, "cam-a", 2, 4),
            frame(CAM_A, "cam-a", 4, 5),
            frame(CAM_A, "cam-b", 6, 6),
            frame(CAM_A, "cam-a", 0, 7)));

    assertEquals(3, service.step());
    assertEquals(3, service.step());
    assertEquals(1, service.step());

    List<FrameInput> f = motionBackbone.frames;
    assertEquals(7, f.size());
    assertNull(f.get(0).previous(), "a camera's first frame has no previous");
    assertSame(f.get(0).current(), f.get(1).previous(), "a1 follows a0");
    assertNull(f.get(2).previous(), "cam-b's first frame");
    assertSame(f.get(1).current(), f.get(3).previous(), "a2 follows a1 across batches");
    assertNull(f.get(4).previous(), "a4 after a2 is a gap");
    assertSame(f.get(2).current(), f.get(5).previous(), "b6 follows b5, not cam-a's frame");
    assertNull(f.get(6).previous(), "a restart of the numbering");
  }

  @Test
  void shouldNotKeepPreviousFramesForABackboneThatIgnoresThem() {
    service = newService(config().build());
    deliver(List.of(frame(CAM_A, "cam-a", 0, 1), frame(CAM_A, "cam-a", 1, 2)));

    assertEquals(2, service.step());

    assertEquals(2, backbone.frames.size());
    assertNull(backbone.frames.get(1).previous());
  }

  @Test
  void shouldSplitMoreFramesThanTheBatchSizeIntoSeveralBatchesInOrder() {
    service = newService(config().optMaxBatchSize(4).build());
    List<ConsumerRecord<String, byte[]>> input = new ArrayList<>();
    for (int seq = 0; seq < 5; seq++) {
      input.add(frame(CAM_A, "cam-a", seq, seq));
      input.add(frame(CAM_B, "cam-b", seq, 10 + seq));
    }
    deliver(input);

    int processed = 0;
    while (processed < input.size()) {
      processed += service.step();
    }

    assertEquals(List.of(4, 4, 2), backbone.batchSizes);
    List<ProducerRecord<String, byte[]>> sent = producer.history();
    for (String camera : List.of("cam-a", "cam-b")) {
      assertEquals(
          List.of(0L, 1L, 2L, 3L, 4L),
          embeddingsOf(sent, camera).stream().map(Embedding::sequence).toList());
    }
    assertEquals(
        Map.of(CAM_A, new OffsetAndMetadata(5), CAM_B, new OffsetAndMetadata(5)),
        committedOffsets());
  }

  @Test
  void shouldDeadLetterACorruptFrameAndStillEmbedTheGoodOnes() throws Exception {
    service = newService(config().build());
    ConsumerRecord<String, byte[]> a0 = frame(CAM_A, "cam-a", 0, 0);
    ConsumerRecord<String, byte[]> good = frame(CAM_A, "cam-a", 1, 1);
    byte[] truncated = Arrays.copyOf(good.value(), good.value().length / 2);
    ConsumerRecord<String, byte[]> corrupt = withValue(good, truncated);
    ConsumerRecord<String, byte[]> a2 = frame(CAM_A, "cam-a", 2, 2);
    ConsumerRecord<String, byte[]> b0 = frame(CAM_B, "cam-b", 0, 3);
    ConsumerRecord<String, byte[]> b1 = frame(CAM_B, "cam-b", 1, 4);
    deliver(List.of(a0, b0, corrupt, b1, a2));

    assertEquals(5, service.step());

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(List.of(4), backbone.batchSizes, "the corrupt frame never reaches the backbone");
    List<Embedding> camA = embeddingsOf(sent, "cam-a");
    assertEquals(List.of(0L, 2L), camA.stream().map(Embedding::sequence).toList());
    camA.forEach(e -> assertEmbeds("cam-a", e));
    embeddingsOf(sent, "cam-b").forEach(e -> assertEmbeds("cam-b", e));
    assertEquals(2, embeddingsOf(sent, "cam-b").size());

    List<ProducerRecord<String, byte[]>> dead =
        sent.stream().filter(r -> r.topic().equals(Topics.DEADLETTER)).toList();
    assertEquals(1, dead.size());
    ProducerRecord<String, byte[]> letter = dead.get(0);
    assertEquals("cam-a", letter.key());
    assertArrayEquals(truncated, letter.value());
    assertEquals(corrupt.timestamp(), letter.timestamp());
    Headers h = letter.headers();
    assertEquals(DeadLetters.STAGE, FrameHeaders.getString(h, DeadLetterHeaders.STAGE));
    assertTrue(
        FrameHeaders.getString(h, DeadLetterHeaders.REASON).startsWith("corrupt: "),
        FrameHeaders.getString(h, DeadLetterHeaders.REASON));
    assertEquals(Topics.FRAMES, FrameHeaders.getString(h, DeadLetterHeaders.TOPIC));
    assertEquals(CAM_A.partition(), FrameHeaders.getLong(h, DeadLetterHeaders.PARTITION));
    assertEquals(corrupt.offset(), FrameHeaders.getLong(h, DeadLetterHeaders.OFFSET));
    assertEquals(1, FrameHeaders.getLong(h, FrameHeaders.SEQUENCE), "original headers kept");

    assertEquals(
        Map.of(CAM_A, new OffsetAndMetadata(3), CAM_B, new OffsetAndMetadata(2)),
        committedOffsets());
    String text = ExtractorMetricsTest.scrape(registry);
    assertTrue(text.contains("oad_extractor_deadletters_total{reason=\"corrupt\"} 1.0"), text);
    assertTrue(text.contains("oad_extractor_embeddings_produced_total 4.0"), text);
  }

  @Test
  void shouldDeadLetterAFrameWithoutCameraKey() {
    service = newService(config().build());
    ConsumerRecord<String, byte[]> keyless = frame(CAM_A, null, 0, 0);
    deliver(List.of(keyless, frame(CAM_A, "cam-a", 1, 1)));

    assertEquals(2, service.step());

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(Topics.DEADLETTER, sent.get(0).topic());
    assertTrue(
        FrameHeaders.getString(sent.get(0).headers(), DeadLetterHeaders.REASON)
            .startsWith("missing-key: "));
    assertEquals(Topics.EMBEDDINGS, sent.get(1).topic());
  }

  @Test
  void shouldCommitOutputsAndOffsetsInOneTransactionWhenTransactional() {
    service = newService(config().optTransactionalId("extractor-1").build());
    deliver(List.of(frame(CAM_A, "cam-a", 0, 0), frame(CAM_B, "cam-b", 0, 1)));

    assertEquals(2, service.step());

    assertTrue(producer.transactionInitialized());
    assertTrue(producer.transactionCommitted());
    assertEquals(2, producer.history().size());
    List<Map<String, Map<TopicPartition, OffsetAndMetadata>>> offsets =
        producer.consumerGroupOffsetsHistory();
    assertEquals(1, offsets.size());
    Map<TopicPartition, OffsetAndMetadata> sentOffsets =
        offsets.get(0).get(consumer.groupMetadata().groupId());
    assertEquals(
        Map.of(CAM_A, new OffsetAndMetadata(1), CAM_B, new OffsetAndMetadata(1)), sentOffsets);
    assertTrue(committedOffsets().isEmpty(), "no consumer commit outside the transaction");
  }

  @Test
  void shouldAbortAndRewindWhenTheTransactionFails() throws Exception {
    service = newService(config().optTransactionalId("extractor-1").build());
    producer.commitTransactionException = new KafkaException("broker went away");
    deliver(List.of(frame(CAM_A, "cam-a", 0, 0), frame(CAM_A, "cam-a", 1, 1)));

    assertEquals(2, service.step());

    assertTrue(producer.transactionAborted());
    assertFalse(producer.transactionCommitted());
    assertEquals(0, consumer.position(CAM_A), "re-reads the batch from its first offset");
    assertTrue(
        ExtractorMetricsTest.scrape(registry)
            .contains("oad_extractor_embeddings_produced_total 0.0"));
  }

  @Test
  void shouldStopWhenTheProducerIsFenced() {
    service = newService(config().optTransactionalId("extractor-1").build());
    deliver(List.of(frame(CAM_A, "cam-a", 0, 0)));
    service.step();
    producer.fenceProducer();
    deliver(List.of(frame(CAM_A, "cam-a", 1, 1)));

    IllegalStateException e = assertThrows(IllegalStateException.class, service::step);
    assertTrue(e.getMessage().contains("fatal producer error"), e.getMessage());
  }

  @Test
  void shouldNotCommitAndRewindWhenPublishingFailsAtLeastOnce() {
    service = newService(config().build());
    producer.sendException = new KafkaException("record too large");
    deliver(List.of(frame(CAM_A, "cam-a", 0, 0), frame(CAM_B, "cam-b", 0, 1)));

    assertEquals(2, service.step());

    assertTrue(committedOffsets().isEmpty());
    assertEquals(0, consumer.position(CAM_A));
    assertEquals(0, consumer.position(CAM_B));
  }

  @Test
  void shouldStopRunningAndReleaseEverythingOnClose() throws Exception {
    service = newService(config().optPollTimeout(Duration.ofMillis(5)).build());
    deliver(List.of(frame(CAM_A, "cam-a", 0, 0)));
    Thread thread = new Thread(service, "extractor-test");
    thread.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (producer.history().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(1, producer.history().size());

    service.close();
    thread.join(5_000);

    assertFalse(thread.isAlive());
    assertTrue(consumer.closed());
    assertTrue(producer.closed());
    assertTrue(backbone.closed);
  }

  private ExtractorConfig.Builder config() {
    return ExtractorConfig.builder().setBootstrapServers("unused:9092");
  }

  private ExtractorService newService(ExtractorConfig config) {
    return new ExtractorService(config, backbone, metrics, consumer, producer);
  }

  /** Makes the next poll assign both partitions and return {@code records}. */
  private void deliver(List<ConsumerRecord<String, byte[]>> records) {
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(CAM_A, CAM_B));
          consumer.updateBeginningOffsets(Map.of(CAM_A, 0L, CAM_B, 0L));
          records.forEach(consumer::addRecord);
        });
  }

  private final Map<TopicPartition, Long> nextOffset = new HashMap<>();

  /** A frame record; {@code scene} picks the picture, so every frame can differ. */
  private ConsumerRecord<String, byte[]> frame(
      TopicPartition partition, String camera, long sequence, long scene) {
    BufferedImage image = TestFrames.scene(WIDTH, HEIGHT, scene);
    scenes.put(camera + "/" + sequence, image);
    long offset = nextOffset.merge(partition, 1L, Long::sum) - 1;
    byte[] jpeg = TestFrames.jpeg(image);
    return new ConsumerRecord<>(
        partition.topic(),
        partition.partition(),
        offset,
        T0 + 40 * sequence,
        TimestampType.CREATE_TIME,
        -1,
        jpeg.length,
        camera,
        jpeg,
        TestFrames.headers(sequence, WIDTH, HEIGHT),
        Optional.empty());
  }

  private static ConsumerRecord<String, byte[]> withValue(
      ConsumerRecord<String, byte[]> r, byte[] value) {
    return new ConsumerRecord<>(
        r.topic(),
        r.partition(),
        r.offset(),
        r.timestamp(),
        r.timestampType(),
        -1,
        value.length,
        r.key(),
        value,
        r.headers(),
        Optional.empty());
  }

  /** Checks the vector is the embedding of that camera's frame (decoded from its JPEG). */
  private void assertEmbeds(String camera, Embedding e) {
    BufferedImage original = scenes.get(camera + "/" + e.sequence());
    BufferedImage decoded;
    try (FrameDecoder decoder = new FrameDecoder()) {
      decoded =
          decoder.decode(
              TestFrames.jpeg(original), TestFrames.headers(e.sequence(), WIDTH, HEIGHT));
    } catch (BadFrameException ex) {
      throw new AssertionError(ex);
    }
    try (PooledPixelBackbone reference = new PooledPixelBackbone(32, 3)) {
      assertArrayEquals(reference.embed(List.of(decoded))[0], e.vector(), 1e-4f, camera);
    }
  }

  private static List<Embedding> embeddingsOf(
      List<ProducerRecord<String, byte[]>> sent, String camera) {
    EmbeddingSerde serde = new EmbeddingSerde();
    return sent.stream()
        .filter(r -> r.topic().equals(Topics.EMBEDDINGS) && camera.equals(r.key()))
        .map(r -> serde.deserialize(r.topic(), r.value()))
        .toList();
  }

  private Map<TopicPartition, OffsetAndMetadata> committedOffsets() {
    Map<TopicPartition, OffsetAndMetadata> committed =
        new HashMap<>(consumer.committed(Set.of(CAM_A, CAM_B)));
    committed.values().removeIf(v -> v == null);
    return committed;
  }
}
