package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once extractor when the broker goes away and comes back, and when the worker meets an
 * error it cannot go on from.
 */
class ExtractorRecoveryTest {
  private static final TopicPartition P0 = new TopicPartition(Topics.FRAMES, 0);
  private static final byte[] JPEG = TestFrames.jpeg(TestFrames.scene(64, 48, 2));

  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final RecordingBackbone backbone = new RecordingBackbone(new PooledPixelBackbone(32, 3));
  private final ExtractorMetrics metrics =
      new ExtractorMetrics().register(new PrometheusRegistry());
  private ExtractorService service;

  @AfterEach
  void close() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void shouldRetryACommitThatTimedOutInsteadOfAbortingIt() {
    FlakyBrokerProducer producer = new FlakyBrokerProducer();
    producer.commitTimeouts = 2;
    service = new ExtractorService(transactional(), backbone, metrics, consumer, producer);
    deliver(frames(0, 2));

    assertEquals(2, service.step());

    assertEquals(3, producer.commitCalls, "two timed-out commits, then the one that succeeds");
    assertEquals(0, producer.abortCalls, "a timed-out commit must not be aborted");
    assertTrue(producer.transactionCommitted());
    assertEquals(2, producer.history().size(), "the batch's embeddings, once");
    assertEquals(
        Map.of(P0, new OffsetAndMetadata(2)),
        producer.consumerGroupOffsetsHistory().get(0).values().iterator().next());
  }

  @Test
  void shouldRetryAnOffsetCommitThatTimedOutWhenAtLeastOnce() {
    AtomicInteger timeouts = new AtomicInteger(2);
    MockConsumer<String, byte[]> flaky =
        new MockConsumer<>("earliest") {
          @Override
          public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (timeouts.getAndDecrement() > 0) {
              throw new TimeoutException("Timeout of 60000ms expired before committing offsets");
            }
            super.commitSync(offsets);
          }
        };
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    service =
        new ExtractorService(
            ExtractorConfig.builder().setBootstrapServers("unused:9092").build(),
            backbone,
            metrics,
            flaky,
            producer);
    List<ConsumerRecord<String, byte[]>> input = frames(0, 2);
    flaky.schedulePollTask(
        () -> {
          flaky.rebalance(List.of(P0));
          flaky.updateBeginningOffsets(Map.of(P0, 0L));
          input.forEach(flaky::addRecord);
        });

    assertEquals(2, service.step());

    assertEquals(new OffsetAndMetadata(2), flaky.committed(Set.of(P0)).get(P0));
    assertEquals(2, producer.history().size(), "published once, not re-read");
  }

  @Test
  void shouldWaitForTheBrokerAtStartUpInsteadOfEndingTheWorker() {
    FlakyBrokerProducer producer = new FlakyBrokerProducer();
    producer.initTimeouts = 2;
    service = new ExtractorService(transactional(), backbone, metrics, consumer, producer);
    deliver(frames(0, 1));

    assertEquals(1, service.step());

    assertEquals(3, producer.initCalls);
    assertTrue(producer.transactionCommitted());
    assertEquals(1, producer.history().size());
  }

  @Test
  void shouldReplaceAProducerThatLostItsTransactionStateAndReReadTheBatch() {
    FlakyBrokerProducer lost = new FlakyBrokerProducer();
    lost.commitTransactionException = new InvalidProducerEpochException("epoch bumped");
    FlakyBrokerProducer fresh = new FlakyBrokerProducer();
    Deque<Producer<String, byte[]>> producers = new ArrayDeque<>(List.of(lost, fresh));
    service =
        new ExtractorService(
            transactional(), backbone, metrics, consumer, producers::poll, Clock.systemUTC());
    List<ConsumerRecord<String, byte[]>> input = frames(0, 2);
    deliver(input);

    assertEquals(2, service.step());

    assertTrue(lost.closed(), "the producer that lost its state is closed");
    assertTrue(fresh.transactionInitialized(), "its replacement fences it and starts afresh");
    assertEquals(0, consumer.position(P0), "the batch is read again from the committed offset");
    assertTrue(lost.history().isEmpty() && fresh.history().isEmpty(), "nothing committed yet");

    consumer.schedulePollTask(() -> input.forEach(consumer::addRecord));
    assertEquals(2, service.step());

    assertTrue(fresh.transactionCommitted());
    assertEquals(2, fresh.history().size(), "one embedding per frame");
  }

  @Test
  void shouldNotLoseBufferedFramesOfOtherPartitionsWhenTheProducerIsReplaced() {
    TopicPartition p1 = new TopicPartition(Topics.FRAMES, 1);
    FlakyBrokerProducer lost = new FlakyBrokerProducer();
    lost.commitTransactionException = new InvalidProducerEpochException("epoch bumped");
    Deque<Producer<String, byte[]>> producers =
        new ArrayDeque<>(List.of(lost, new FlakyBrokerProducer()));
    service =
        new ExtractorService(
            ExtractorConfig.builder()
                .setBootstrapServers("unused:9092")
                .optTransactionalId("extractor-1")
                .optMaxBatchSize(2)
                .build(),
            backbone,
            metrics,
            consumer,
            producers::poll,
            Clock.systemUTC());
    List<ConsumerRecord<String, byte[]>> input = new ArrayList<>(frames(0, 2));
    for (ConsumerRecord<String, byte[]> r : frames(0, 2)) {
      input.add(
          new ConsumerRecord<>(
              p1.topic(),
              p1.partition(),
              r.offset(),
              r.timestamp(),
              TimestampType.CREATE_TIME,
              -1,
              JPEG.length,
              "cam-b",
              JPEG,
              r.headers(),
              Optional.empty()));
    }
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0, p1));
          consumer.updateBeginningOffsets(Map.of(P0, 0L, p1, 0L));
          input.forEach(consumer::addRecord);
        });

    assertEquals(2, service.step(), "a batch of two, the other two frames wait in the buffer");

    assertEquals(0, consumer.position(P0), "the failed batch is read again");
    assertEquals(0, consumer.position(p1), "so are the buffered frames it forgot");
  }

  @Test
  void shouldStopWhenProducersKeepBeingFenced() {
    List<MockProducer<String, byte[]>> made = new ArrayList<>();
    service =
        new ExtractorService(
            transactional(),
            backbone,
            metrics,
            consumer,
            () -> {
              MockProducer<String, byte[]> p =
                  new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
              made.add(p);
              return p;
            },
            Clock.systemUTC());
    deliver(frames(0, 1));
    service.step();
    made.get(made.size() - 1).fenceProducer();

    IllegalStateException e = null;
    for (int i = 0; i <= ExtractorService.MAX_PRODUCERS_IN_A_ROW && e == null; i++) {
      consumer.schedulePollTask(() -> frames(1, 1).forEach(consumer::addRecord));
      try {
        service.step();
        made.get(made.size() - 1).fenceProducer();
      } catch (IllegalStateException fatal) {
        e = fatal;
      }
    }

    assertTrue(e != null && e.getMessage().contains("fatal producer error"), String.valueOf(e));
    assertEquals(1 + ExtractorService.MAX_PRODUCERS_IN_A_ROW, made.size());
  }

  @Test
  void shouldExposeAFatalWorkerErrorSoThatTheLauncherExitsNonZero() throws Exception {
    Backbone exhausted =
        new Backbone() {
          @Override
          public String id() {
            return "exhausted";
          }

          @Override
          public int dimension() {
            return 4;
          }

          @Override
          public float[][] embed(List<BufferedImage> images) {
            throw new OutOfMemoryError("Java heap space");
          }

          @Override
          public void close() {}
        };
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    service =
        new ExtractorService(
            ExtractorConfig.builder()
                .setBootstrapServers("unused:9092")
                .optPollTimeout(Duration.ofMillis(5))
                .build(),
            exhausted,
            metrics,
            consumer,
            producer);
    deliver(frames(0, 1));
    Thread worker = new Thread(service, "extractor-test");
    worker.setUncaughtExceptionHandler((t, error) -> {});
    worker.start();

    assertTrue(service.awaitStop(Duration.ofSeconds(20)), "the worker ends");
    worker.join(5_000);

    assertFalse(worker.isAlive());
    assertInstanceOf(OutOfMemoryError.class, service.failure().orElseThrow());
    assertTrue(producer.closed(), "clients are released");
    assertTrue(consumer.closed());
    assertTrue(producer.history().isEmpty(), "nothing was published for the failed batch");
  }

  @Test
  void shouldReportNoFailureAfterACleanStop() throws Exception {
    service =
        new ExtractorService(
            ExtractorConfig.builder()
                .setBootstrapServers("unused:9092")
                .optPollTimeout(Duration.ofMillis(5))
                .build(),
            backbone,
            metrics,
            consumer,
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()));
    deliver(frames(0, 1));
    Thread worker = new Thread(service, "extractor-test");
    worker.start();
    Thread.sleep(100);

    service.close();
    worker.join(5_000);

    assertTrue(service.failure().isEmpty());
    assertThrows(IllegalStateException.class, service::run, "runs once");
  }

  private static ExtractorConfig transactional() {
    return ExtractorConfig.builder()
        .setBootstrapServers("unused:9092")
        .optTransactionalId("extractor-1")
        .build();
  }

  private void deliver(List<ConsumerRecord<String, byte[]>> records) {
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0));
          consumer.updateBeginningOffsets(Map.of(P0, 0L));
          records.forEach(consumer::addRecord);
        });
  }

  private static List<ConsumerRecord<String, byte[]>> frames(long first, int count) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (long seq = first; seq < first + count; seq++) {
      records.add(
          new ConsumerRecord<>(
              P0.topic(),
              P0.partition(),
              seq,
              now,
              TimestampType.CREATE_TIME,
              -1,
              JPEG.length,
              "cam-a",
              JPEG,
              TestFrames.headers(seq, 64, 48),
              Optional.empty()));
    }
    return records;
  }
}
