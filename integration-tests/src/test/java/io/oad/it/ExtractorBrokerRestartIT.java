package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.Topics;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.extractor.ExtractorService;
import io.oad.extractor.PausingProducer;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.extractor.TestFrames;
import io.oad.service.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once extractor against a real broker that goes down for 10 s in the middle of a
 * stream and comes back with the same data: the extractor keeps running by itself (its commits time
 * out and are retried, a producer that lost its state is replaced), and a read_committed reader
 * sees exactly one embedding per frame, none missing, none twice.
 */
class ExtractorBrokerRestartIT {
  private static final int CAMERAS = 2;
  private static final int FRAMES_PER_CAMERA = 60;
  private static final byte[] JPEG = TestFrames.jpeg(TestFrames.scene(64, 48, 7));

  @TempDir Path dir;

  @Test
  @Timeout(300)
  void shouldKeepExactlyOnceAcrossABrokerRestart() throws Exception {
    try (EmbeddedKafka broker = new EmbeddedKafka(dir.resolve("kafka"), 0).start()) {
      broker.createTopics(2, List.of(Topics.FRAMES, Topics.EMBEDDINGS, Topics.DEADLETTER));
      ExtractorConfig config = config(broker);
      List<PausingProducer<String, byte[]>> producers = new CopyOnWriteArrayList<>();
      ExtractorService service =
          new ExtractorService(
              config,
              new PooledPixelBackbone(32, 3),
              new ExtractorMetrics(),
              new KafkaConsumer<>(config.consumerProperties()),
              () -> {
                PausingProducer<String, byte[]> p =
                    new PausingProducer<>(new KafkaProducer<>(config.producerProperties()));
                producers.add(p);
                return p;
              },
              Clock.systemUTC());
      Thread worker = new Thread(service, "extractor-under-test");
      worker.start();
      ConcurrentLinkedQueue<Exception> sendFailures = new ConcurrentLinkedQueue<>();
      AtomicInteger sent = new AtomicInteger();
      Thread camera = new Thread(() -> stream(broker, sent, sendFailures), "cameras");
      try {
        camera.start();
        waitFor(() -> sent.get() >= CAMERAS * FRAMES_PER_CAMERA / 3, 60, "a third of the frames");
        // stop the extractor just before a commit (its records are on the broker), take the broker
        // away and let the commit go on: it times out while the broker is down and must be retried
        PausingProducer<String, byte[]> first = producers.get(0);
        first.pauseNextCommit.set(true);
        assertTrue(first.paused.await(60, TimeUnit.SECONDS), "the extractor reaches a commit");
        broker.close();
        first.resume.countDown();
        Thread.sleep(10_000);
        assertTrue(worker.isAlive(), "the extractor survives the outage");
        broker.start();
        camera.join(180_000);
        assertTrue(sendFailures.isEmpty(), "the camera's producer lost frames: " + sendFailures);

        Map<String, Integer> seen = readCommitted(broker, CAMERAS * FRAMES_PER_CAMERA);

        assertTrue(worker.isAlive(), "the extractor is still running");
        assertTrue(service.failure().isEmpty(), String.valueOf(service.failure()));
        assertEquals(CAMERAS * FRAMES_PER_CAMERA, seen.size(), "one embedding per frame: " + seen);
        seen.forEach((frame, count) -> assertEquals(1, count, frame + " embedded " + count + "x"));
      } finally {
        service.close();
        worker.join(30_000);
        camera.interrupt();
      }
    }
  }

  @Test
  @Timeout(180)
  void shouldWaitForABrokerThatIsDownAtStartUp() throws Exception {
    try (EmbeddedKafka broker = new EmbeddedKafka(dir.resolve("kafka-start"), 0).start()) {
      broker.createTopics(2, List.of(Topics.FRAMES, Topics.EMBEDDINGS, Topics.DEADLETTER));
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        for (int seq = 0; seq < 4; seq++) {
          ProducerRecord<String, byte[]> record =
              new ProducerRecord<>(Topics.FRAMES, null, System.currentTimeMillis(), "cam-0", JPEG);
          TestFrames.headers(seq, 64, 48).forEach(h -> record.headers().add(h));
          producer.send(record).get();
        }
      }
      broker.close();
      ExtractorService service =
          new ExtractorService(
              config(broker), new PooledPixelBackbone(32, 3), new ExtractorMetrics());
      Thread worker = new Thread(service, "extractor-under-test");
      worker.setUncaughtExceptionHandler((t, e) -> {});
      try {
        worker.start();
        // initTransactions times out after max.block.ms (3 s): at least twice meanwhile
        Thread.sleep(8_000);
        assertTrue(worker.isAlive(), "the extractor waits for the broker instead of ending");
        broker.start();

        Map<String, Integer> seen = readCommitted(broker, 4);

        assertEquals(Map.of("cam-0#0", 1, "cam-0#1", 1, "cam-0#2", 1, "cam-0#3", 1), seen);
        assertTrue(service.failure().isEmpty(), String.valueOf(service.failure()));
      } finally {
        service.close();
        worker.join(30_000);
      }
    }
  }

  private static ExtractorConfig config(EmbeddedKafka broker) {
    return ExtractorConfig.builder()
        .setBootstrapServers(broker.bootstrapServers())
        .optTransactionalId("extractor-restart-it")
        .optMaxBatchSize(4)
        // fail fast while the broker is away, so that the retry paths run
        .optProperty("producer.max.block.ms", 3_000)
        .optProperty("producer.request.timeout.ms", 3_000)
        .optProperty("producer.delivery.timeout.ms", 60_000)
        .optProperty("default.api.timeout.ms", 5_000)
        .optProperty("reconnect.backoff.max.ms", 500)
        .build();
  }

  /** Two cameras at about 20 frames per second in all, through the outage. */
  private static void stream(
      EmbeddedKafka broker, AtomicInteger sent, ConcurrentLinkedQueue<Exception> failures) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
    props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int seq = 0; seq < FRAMES_PER_CAMERA; seq++) {
        for (int c = 0; c < CAMERAS; c++) {
          ProducerRecord<String, byte[]> record =
              new ProducerRecord<>(
                  Topics.FRAMES, null, System.currentTimeMillis(), "cam-" + c, JPEG);
          TestFrames.headers(seq, 64, 48).forEach(h -> record.headers().add(h));
          producer.send(
              record,
              (metadata, e) -> {
                if (e != null) {
                  failures.add(e);
                } else {
                  sent.incrementAndGet();
                }
              });
        }
        Thread.sleep(100);
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Reads embeddings as read_committed until {@code expected} or a quiet minute: frame -> count.
   */
  private static Map<String, Integer> readCommitted(EmbeddedKafka broker, int expected) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-it-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Integer> seen = new HashMap<>();
    EmbeddingSerde serde = new EmbeddingSerde();
    int total = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.EMBEDDINGS));
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      // read on a little after reaching the count, so that duplicates would be seen
      long settle = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settle)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          Embedding e = serde.deserialize(r.topic(), r.value());
          seen.merge(r.key() + "#" + e.sequence(), 1, Integer::sum);
          total++;
        }
        if (total >= expected && settle == Long.MAX_VALUE) {
          settle = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        }
      }
    }
    return seen;
  }

  private static void waitFor(BooleanSupplier done, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
