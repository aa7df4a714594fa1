package io.oad.service.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.oad.contract.ActionEvent;
import io.oad.contract.ActionEvent.Type;
import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.FrameHeaders;
import io.oad.contract.JsonSerde;
import io.oad.contract.Topics;
import io.oad.service.EmbeddedKafka;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder against a real broker and a real HTTP receiver: delivered, suppressed, skipped,
 * retried after a 429 with Retry-After, refused, exhausted and undecodable events, each ending
 * where it should, every offset committed, the dead letters small and naming their source.
 */
class AlertForwarderTest {
  @TempDir Path tmp;

  /** What the receiver got, by camera. */
  private final Map<String, List<JsonNode>> received = new ConcurrentHashMap<>();

  private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final List<String> idempotencyKeys = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger busyCalls = new AtomicInteger();

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    JsonNode json = JsonSerde.mapper().readTree(body);
    String camera = json.get("camera").asText();
    authorizations.add(ex.getRequestHeaders().getFirst("Authorization"));
    idempotencyKeys.add(ex.getRequestHeaders().getFirst("Idempotency-Key"));
    arrivals.computeIfAbsent(camera, c -> new ArrayList<>()).add(System.nanoTime());
    int status = 200;
    if (camera.equals("cam-refuse")) {
      status = 400;
    } else if (camera.equals("cam-down")) {
      status = 503;
    } else if (camera.equals("cam-busy") && busyCalls.getAndIncrement() == 0) {
      ex.getResponseHeaders().add("Retry-After", "1");
      status = 429;
    }
    if (status == 200) {
      received
          .computeIfAbsent(camera, c -> Collections.synchronizedList(new ArrayList<>()))
          .add(json);
    }
    byte[] answer = ("status " + status).getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, answer.length);
    ex.getResponseBody().write(answer);
    ex.close();
  }

  @Test
  void shouldDeliverRetrySuppressSkipAndDeadLetterEachEventAndCommitThemAll() throws Exception {
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", this::handle);
    receiver.start();
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(2, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      List<ActionEvent> events =
          List.of(
              new ActionEvent("cam-1", Type.ACTION_STARTED, "wave", 1_000, -1, 0.9),
              new ActionEvent("cam-1", Type.ACTION_STARTED, "wave", 2_000, -1, 0.8),
              new ActionEvent("cam-1", Type.ACTION_ENDED, "wave", 1_000, 3_000, 0.9),
              new ActionEvent("cam-1", Type.ACTION_STARTED, "wave", 12_000, -1, 0.7),
              new ActionEvent("cam-busy", Type.CAMERA_OFFLINE, null, 5_000, -1, 0),
              new ActionEvent("cam-refuse", Type.ACTION_ANTICIPATED, "run", 5_000, 6_000, 0.6),
              new ActionEvent("cam-down", Type.ACTION_STARTED, "jump", 5_000, -1, 0.9));
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
        for (ActionEvent e : events) {
          producer.send(
              new ProducerRecord<>(
                  Topics.EVENTS, e.camera(), JsonSerde.events().serialize(Topics.EVENTS, e)));
        }
        producer.send(
            new ProducerRecord<>(
                Topics.EVENTS, "cam-garbage", "not json".getBytes(StandardCharsets.UTF_8)));
        producer.flush();
      }

      AlertSettings settings =
          new AlertSettings(
              URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"),
              "Bearer s3cret",
              "alert-test",
              AlertSettings.DEFAULT_TYPES,
              3,
              10_000,
              Duration.ofMillis(50),
              Duration.ofMillis(200),
              Duration.ofSeconds(5));
      PrometheusRegistry registry = new PrometheusRegistry();
      AlertMetrics metrics = new AlertMetrics().register(registry);
      AlertForwarder forwarder =
          AlertForwarder.create(
              bootstrap,
              Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
              Map.of(),
              settings,
              metrics,
              null);
      Thread worker = new Thread(forwarder, "alert-test");
      worker.start();
      try {
        awaitAllCommitted(bootstrap, "alert-test", events.size() + 1, Duration.ofSeconds(60));
      } finally {
        forwarder.close();
      }
      assertTrue(forwarder.isStopped(), "close() waits for the forwarder to stop");
      worker.join(5_000);
      assertFalse(worker.isAlive());
      assertTrue(forwarder.failure().isEmpty(), "no failure: " + forwarder.failure());

      assertEquals(
          Set.of("cam-1", "cam-busy"), received.keySet(), "delivered cameras: " + received);
      List<Long> cam1 =
          received.get("cam-1").stream().map(j -> j.get("startTimeMs").asLong()).toList();
      assertEquals(List.of(1_000L, 12_000L), cam1, "the 2000 start is suppressed, ENDED skipped");
      JsonNode first = received.get("cam-1").get(0);
      assertEquals("ACTION_STARTED", first.get("type").asText());
      assertEquals("wave", first.get("action").asText());
      assertTrue(first.get("text").asText().startsWith("cam-1: ACTION_STARTED wave"), "" + first);
      assertTrue(first.get("id").asText().startsWith(Topics.EVENTS + "/"), "" + first);
      assertEquals(1, received.get("cam-busy").size());
      List<Long> busy = arrivals.get("cam-busy");
      assertEquals(2, busy.size(), "429 then delivered");
      assertTrue(
          busy.get(1) - busy.get(0) >= 950_000_000L,
          "Retry-After: 1 honoured: " + (busy.get(1) - busy.get(0)) / 1_000_000 + " ms");
      assertEquals(1, arrivals.get("cam-refuse").size(), "a 400 is not retried");
      assertEquals(3, arrivals.get("cam-down").size(), "503 retried up to max attempts");
      assertTrue(authorizations.stream().allMatch("Bearer s3cret"::equals), "" + authorizations);
      assertTrue(idempotencyKeys.stream().allMatch(k -> k != null && k.startsWith("oad.events/")));

      assertEquals(3, metrics.deliveredTotal());
      assertEquals(1, metrics.suppressedTotal());
      assertEquals(3, metrics.deadLetteredTotal());
      assertEquals(1 + 1 + 3, metrics.failedAttemptsTotal(), "429, 400, 3 x 503");

      Map<String, ConsumerRecord<String, byte[]>> letters = deadLetters(bootstrap, 3);
      assertEquals(Set.of("cam-refuse", "cam-down", "cam-garbage"), letters.keySet());
      for (ConsumerRecord<String, byte[]> l : letters.values()) {
        assertEquals(
            AlertForwarder.STAGE, FrameHeaders.getString(l.headers(), DeadLetterHeaders.STAGE));
        assertEquals(Topics.EVENTS, FrameHeaders.getString(l.headers(), DeadLetterHeaders.TOPIC));
        FrameHeaders.getLong(l.headers(), DeadLetterHeaders.PARTITION);
        FrameHeaders.getLong(l.headers(), DeadLetterHeaders.OFFSET);
        assertTrue(l.value().length < 1024, "small: " + l.value().length);
      }
      assertTrue(
          reason(letters.get("cam-refuse")).contains("HTTP 400"),
          reason(letters.get("cam-refuse")));
      assertTrue(
          reason(letters.get("cam-down")).startsWith("3 attempts failed"),
          reason(letters.get("cam-down")));
      assertTrue(reason(letters.get("cam-down")).contains("HTTP 503"));
      assertTrue(reason(letters.get("cam-garbage")).startsWith("undecodable"));
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void shouldLoseNothingWhenASecondInstanceJoinsTheGroupWhileTheFirstRetries() throws Exception {
    Map<String, AtomicInteger> got = new ConcurrentHashMap<>();
    Map<String, List<Long>> order = new ConcurrentHashMap<>();
    AtomicInteger requests = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean gateShut =
        new java.util.concurrent.atomic.AtomicBoolean();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
    receiver.createContext(
        "/hook",
        ex -> {
          JsonNode json = JsonSerde.mapper().readTree(ex.getRequestBody().readAllBytes());
          // while the gate is shut (the second instance joining) nothing is accepted, so the
          // first instance cannot finish everything before the group has rebalanced
          int status = gateShut.get() || requests.incrementAndGet() % 4 == 0 ? 503 : 200;
          if (status == 200) {
            String camera = json.get("camera").asText();
            long start = json.get("startTimeMs").asLong();
            if (got.computeIfAbsent(camera + "|" + start, k -> new AtomicInteger())
                    .incrementAndGet()
                == 1) {
              order
                  .computeIfAbsent(camera, c -> Collections.synchronizedList(new ArrayList<>()))
                  .add(start);
            }
          }
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    receiver.start();
    int cameras = 10;
    int perCamera = 10;
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < perCamera; i++) {
          for (int c = 0; c < cameras; c++) {
            ActionEvent e =
                new ActionEvent("cam-" + c, Type.ACTION_STARTED, "wave", i * 1_000L, -1, 0.9);
            producer.send(
                new ProducerRecord<>(
                    Topics.EVENTS, e.camera(), JsonSerde.events().serialize(Topics.EVENTS, e)));
          }
        }
      }
      AlertSettings settings =
          new AlertSettings(
              URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"),
              null,
              "alert-scale",
              AlertSettings.DEFAULT_TYPES,
              // enough attempts to outlast the rebalance while the receiver's gate is shut
              400,
              0,
              Duration.ofMillis(100),
              Duration.ofMillis(300),
              Duration.ofSeconds(5));
      Map<String, Object> consumer =
          Map.of(
              ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
              "earliest",
              ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
              5);
      AlertMetrics metricsA = new AlertMetrics();
      AlertMetrics metricsB = new AlertMetrics();
      AlertForwarder a =
          AlertForwarder.create(bootstrap, consumer, Map.of(), settings, metricsA, null);
      AlertForwarder b =
          AlertForwarder.create(bootstrap, consumer, Map.of(), settings, metricsB, null);
      new Thread(a, "alert-a").start();
      try {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (got.size() < 20 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        gateShut.set(true);
        new Thread(b, "alert-b").start();
        try (org.apache.kafka.clients.admin.Admin admin =
            org.apache.kafka.clients.admin.Admin.create(
                Map.of(
                    org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap))) {
          while (System.nanoTime() < deadline && !bothAssigned(admin, "alert-scale")) {
            Thread.sleep(100);
          }
        }
        gateShut.set(false);
        while (got.size() < cameras * perCamera && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
      } finally {
        a.close();
        b.close();
      }
      assertTrue(a.failure().isEmpty() && b.failure().isEmpty(), a.failure() + " " + b.failure());
      assertEquals(cameras * perCamera, got.size(), "every event delivered: " + got.keySet());
      assertTrue(metricsB.deliveredTotal() > 0, "the second instance took partitions over");
      assertEquals(0, metricsA.deadLetteredTotal() + metricsB.deadLetteredTotal());
      for (var e : order.entrySet()) {
        List<Long> sorted = new ArrayList<>(e.getValue());
        sorted.sort(null);
        assertEquals(sorted, e.getValue(), e.getKey() + ": first deliveries in order");
      }
      int duplicates = got.values().stream().mapToInt(x -> x.get() - 1).sum();
      System.out.println(
          "AlertForwarderTest scale-out: delivered "
              + got.size()
              + ", duplicates "
              + duplicates
              + ", by A "
              + metricsA.deliveredTotal()
              + ", by B "
              + metricsB.deliveredTotal()
              + ", failed attempts "
              + (metricsA.failedAttemptsTotal() + metricsB.failedAttemptsTotal()));
    } finally {
      receiver.stop(0);
    }
  }

  private static String reason(ConsumerRecord<String, byte[]> letter) {
    return FrameHeaders.getString(letter.headers(), DeadLetterHeaders.REASON);
  }

  /** Waits until the group's committed offsets reach {@code records} in all. */
  private static void awaitAllCommitted(String bootstrap, String group, long records, Duration max)
      throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    long committed = 0;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        committed =
            offsets.values().stream()
                .filter(o -> o != null)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
        if (committed >= records) {
          return;
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("only " + committed + " of " + records + " offsets committed");
  }

  private static Map<String, ConsumerRecord<String, byte[]>> deadLetters(String bootstrap, int n) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(Topics.DEADLETTER).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (all.size() < n && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
      }
      consumer.poll(Duration.ofMillis(500)).forEach(all::add);
      return all.stream().collect(Collectors.toMap(ConsumerRecord::key, r -> r));
    }
  }

  /** Whether the group has two members, each with at least one partition. */
  private static boolean bothAssigned(org.apache.kafka.clients.admin.Admin admin, String group)
      throws Exception {
    var description = admin.describeConsumerGroups(java.util.List.of(group)).all().get().get(group);
    return description.members().size() == 2
        && description.members().stream()
            .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
  }
}
