package io.oad.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.FrameHeaders;
import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.extractor.ExtractorService;
import io.oad.extractor.FrameInput;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.service.models.ModelUpdates;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@link ExtractorRole} with two workers against the in-process broker: Kafka splits the frames
 * partitions between them, every valid frame gets exactly one embedding (exactly-once, one
 * transactional id per worker), a new backbone reaches every worker, and a worker that fails stops
 * the role with its error.
 */
class ExtractorRoleWorkersTest {
  private static final int PARTITIONS = 4;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir static Path tmp;
  private static EmbeddedKafka kafka;
  private static Admin admin;

  @BeforeAll
  static void startBroker() {
    kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
  }

  @AfterAll
  static void stopBroker() {
    if (admin != null) {
      admin.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldSplitThePartitionsAndEmbedEveryFrameExactlyOnce() throws Exception {
    Topics3 topics = topics("split");
    Map<String, AtomicInteger> framesByThread = new ConcurrentHashMap<>();
    ExtractorConfig config =
        config(topics, "split-group").optWorkers(2).optTransactionalId("split-tx").build();
    PollTracker polls = new PollTracker(Duration.ofSeconds(30));
    PrometheusRegistry registry = new PrometheusRegistry();
    try (ExtractorRole role =
        ExtractorRole.start(config, () -> new CountingBackbone(framesByThread), registry, polls)) {
      assertEquals(2, role.workers());
      awaitTwoAssignedMembers("split-group");

      Set<String> expected = new TreeSet<>();
      try (KafkaProducer<String, byte[]> producer = producer()) {
        for (int cam = 0; cam < 2 * PARTITIONS; cam++) {
          for (int seq = 0; seq < 6; seq++) {
            String camera = "cam-" + cam;
            producer.send(frame(topics.frames(), cam % PARTITIONS, camera, seq, jpeg(cam, seq)));
            expected.add(camera + "#" + seq);
          }
        }
        byte[] garbage = "not a jpeg".getBytes(StandardCharsets.UTF_8);
        producer.send(frame(topics.frames(), 0, "cam-bad", 0, garbage));
        producer.flush();
      }

      List<String> got = readCommitted(topics.embeddings(), expected.size());
      assertEquals(expected.size(), got.size(), "one embedding per valid frame, no duplicate");
      assertEquals(expected, new TreeSet<>(got));
      assertEquals(1, readCommitted(topics.deadLetters(), 1).size(), "the bad frame");

      Map<String, Integer> perThread =
          framesByThread.entrySet().stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
      assertEquals(
          Set.of(ExtractorRole.THREAD_PREFIX + "-0", ExtractorRole.THREAD_PREFIX + "-1"),
          perThread.keySet(),
          "both workers embedded frames: " + perThread);
      assertEquals(
          expected.size(),
          perThread.values().stream().mapToInt(Integer::intValue).sum(),
          "each frame embedded once: " + perThread);

      // one ExtractorMetrics for both workers: the process's totals
      assertTrue(counter(registry, ExtractorMetrics.FRAMES_CONSUMED_TOTAL) >= expected.size() + 1);
      assertTrue(counter(registry, ExtractorMetrics.EMBEDDINGS_PRODUCED_TOTAL) >= expected.size());
      assertTrue(polls.ready(), "both workers poll and have partitions");

      Set<String> transactionalIds =
          admin.listTransactions().all().get(30, TimeUnit.SECONDS).stream()
              .map(TransactionListing::transactionalId)
              .filter(id -> id.startsWith("split-tx"))
              .collect(Collectors.toSet());
      assertEquals(Set.of("split-tx", "split-tx-w1"), transactionalIds);

      // a new backbone version: one instance per worker, installed when every worker serves it
      PooledPixelBackbone probe = new PooledPixelBackbone(PooledPixelBackbone.DEFAULT_DIMENSION, 7);
      String nextId = probe.id();
      probe.close();
      List<Backbone> loaded = new ArrayList<>();
      String installed =
          ModelUpdates.install(
              role,
              () -> {
                Backbone b = new PooledPixelBackbone(PooledPixelBackbone.DEFAULT_DIMENSION, 7);
                loaded.add(b);
                return b;
              });
      assertEquals(nextId, installed);
      assertEquals(2, loaded.size(), "one new instance per worker");
      for (ExtractorService worker : role.services()) {
        assertEquals(nextId, worker.backboneId());
      }
    }
  }

  @Test
  void shouldStopEveryWorkerAndReportTheErrorWhenOneWorkerFails() throws Exception {
    Topics3 topics = topics("fail");
    Map<String, AtomicInteger> framesByThread = new ConcurrentHashMap<>();
    ExtractorConfig config = config(topics, "fail-group").optWorkers(2).build();
    AtomicInteger made = new AtomicInteger();
    ExtractorRole role =
        ExtractorRole.start(
            config,
            () ->
                made.getAndIncrement() == 0
                    ? new CountingBackbone(framesByThread)
                    : new CountingBackbone(framesByThread) {
                      @Override
                      public float[][] embedFrames(List<FrameInput> frames) {
                        throw new AssertionError("worker 1's backbone breaks");
                      }
                    },
            new PrometheusRegistry(),
            null);
    try {
      awaitTwoAssignedMembers("fail-group");
      try (KafkaProducer<String, byte[]> producer = producer()) {
        for (int p = 0; p < PARTITIONS; p++) {
          producer.send(frame(topics.frames(), p, "cam-" + p, 0, jpeg(p, 0)));
        }
        producer.flush();
      }
      Thread joiner =
          new Thread(
              () -> {
                try {
                  role.join();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      joiner.start();
      joiner.join(TIMEOUT.toMillis());
      assertFalse(joiner.isAlive(), "join() returns once a worker failed");
      assertTrue(role.failure().isPresent(), "the role reports the failure");
      assertEquals("worker 1's backbone breaks", role.failure().get().getMessage());
    } finally {
      role.close();
    }
  }

  private record Topics3(String frames, String embeddings, String deadLetters) {}

  private static Topics3 topics(String prefix) {
    Topics3 t = new Topics3(prefix + ".frames", prefix + ".embeddings", prefix + ".deadletter");
    kafka.createTopics(PARTITIONS, List.of(t.frames(), t.embeddings(), t.deadLetters()));
    return t;
  }

  private static ExtractorConfig.Builder config(Topics3 topics, String group) {
    return ExtractorConfig.builder()
        .setBootstrapServers(bootstrap())
        .optGroupId(group)
        .optFramesTopic(topics.frames())
        .optEmbeddingsTopic(topics.embeddings())
        .optDeadLetterTopic(topics.deadLetters())
        .optMaxWait(Duration.ofMillis(5))
        .optPollTimeout(Duration.ofMillis(50));
  }

  private static String bootstrap() {
    return kafka.bootstrapServers();
  }

  /** Waits until the group has two members, each with partitions. */
  private static void awaitTwoAssignedMembers(String group) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      List<MemberDescription> members;
      try {
        ConsumerGroupDescription d =
            admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        members = new ArrayList<>(d.members());
      } catch (ExecutionException e) {
        members = List.of(); // not created yet
      }
      if (members.size() == 2
          && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("group " + group + " never had two members with partitions");
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class));
  }

  private static ProducerRecord<String, byte[]> frame(
      String topic, int partition, String camera, long sequence, byte[] jpeg) {
    Headers headers = new RecordHeaders();
    FrameHeaders.putLong(headers, FrameHeaders.SEQUENCE, sequence);
    FrameHeaders.putLong(headers, FrameHeaders.WIDTH, 64);
    FrameHeaders.putLong(headers, FrameHeaders.HEIGHT, 48);
    FrameHeaders.putString(headers, FrameHeaders.CONTENT_TYPE, FrameHeaders.JPEG);
    return new ProducerRecord<>(
        topic, partition, System.currentTimeMillis(), camera, jpeg, headers);
  }

  private static byte[] jpeg(int camera, int sequence) throws Exception {
    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color((camera * 37) % 256, (sequence * 41) % 256, 128));
    g.fillRect(0, 0, 64, 48);
    g.setColor(Color.WHITE);
    g.fillOval(sequence * 6, camera * 4, 16, 12);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, "jpeg", out));
    return out.toByteArray();
  }

  /**
   * Reads {@code topic} read_committed until {@code expected} records arrived, then a further
   * second (so a duplicate would show); returns "camera#sequence" per record (the key for others).
   */
  private static List<String> readCommitted(String topic, int expected) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    EmbeddingSerde serde = new EmbeddingSerde();
    List<String> got = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(topic, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      long extraUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, extraUntil)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (topic.endsWith(".embeddings")) {
            Embedding e = serde.deserializer().deserialize(topic, r.value());
            got.add(r.key() + "#" + e.sequence());
          } else {
            got.add(r.key());
          }
        }
        if (got.size() >= expected && extraUntil == Long.MAX_VALUE) {
          extraUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        }
      }
    }
    return got;
  }

  private static double counter(PrometheusRegistry registry, String name) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals(name.replace("_total", "")))
        .map(s -> ((CounterSnapshot) s).getDataPoints().get(0).getValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  /** The placeholder backbone, counting the frames it embeds by thread name. */
  private static class CountingBackbone implements Backbone {
    private final PooledPixelBackbone delegate = new PooledPixelBackbone();
    private final Map<String, AtomicInteger> framesByThread;

    CountingBackbone(Map<String, AtomicInteger> framesByThread) {
      this.framesByThread = framesByThread;
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public int dimension() {
      return delegate.dimension();
    }

    @Override
    public float[][] embed(List<BufferedImage> images) {
      return delegate.embed(images);
    }

    @Override
    public float[][] embedFrames(List<FrameInput> frames) {
      framesByThread
          .computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger())
          .addAndGet(frames.size());
      return delegate.embedFrames(frames);
    }

    @Override
    public boolean usesPreviousFrame() {
      return delegate.usesPreviousFrame();
    }

    @Override
    public java.awt.Dimension inputSize() {
      return delegate.inputSize();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
