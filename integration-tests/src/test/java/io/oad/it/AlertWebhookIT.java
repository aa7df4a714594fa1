package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oad alert} as a process of its own, against a real local HTTP receiver that fails
 * sometimes (every 3rd request answers 500, one 429 with Retry-After: 1, one connection dropped
 * without an answer): 200 events over 20 cameras, written by a transactional producer while the
 * role runs, are all delivered at least once, although the role is killed with SIGKILL in the
 * middle (by the receiver, while a POST is in flight) and started again; duplicates are counted and
 * printed. Events of an aborted transaction are never sent (read committed), an event the receiver
 * always fails is dead-lettered with its source, each camera's events first arrive in order, and
 * after a graceful stop (SIGTERM) every event's offset is committed.
 */
@Tag("integration")
class AlertWebhookIT {
  private static final int CAMERAS = 20;
  private static final int PER_CAMERA = 10;
  private static final int EVENTS = CAMERAS * PER_CAMERA;
  private static final List<Type> TYPES =
      List.of(Type.ACTION_STARTED, Type.ACTION_ANTICIPATED, Type.CAMERA_OFFLINE);
  private static final List<String> ACTIONS = List.of("walk", "wave", "run", "jump");

  @TempDir Path tmp;

  /** Deliveries acknowledged with 200, by camera|type|start. */
  private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();

  /** Per camera, the start times in the order they were first delivered. */
  private final Map<String, List<Long>> firstOrder = new ConcurrentHashMap<>();

  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger served500 = new AtomicInteger();
  private final AtomicInteger served429 = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();
  private final AtomicInteger poisonAttempts = new AtomicInteger();
  private final AtomicInteger abortedSeen = new AtomicInteger();

  /** The role to kill with SIGKILL from inside a request, once 60 events were delivered. */
  private volatile RoleProcess victim;

  /** The event whose POST was in flight when the role was killed. */
  private volatile String inFlightAtKill;

  private volatile int deliveredAtKill = -1;

  private static String key(String camera, String type, long start) {
    return camera + "|" + type + "|" + start;
  }

  private void handle(HttpExchange ex) throws IOException {
    int n = requests.incrementAndGet();
    JsonNode json = JsonSerde.mapper().readTree(ex.getRequestBody().readAllBytes());
    String camera = json.get("camera").asText();
    String k = key(camera, json.get("type").asText(), json.get("startTimeMs").asLong());
    RoleProcess target = victim;
    if (target != null && delivered.size() >= 60 && !camera.equals("cam-poison")) {
      // SIGKILL while this event's POST is in flight: it must be delivered again after the restart
      victim = null;
      deliveredAtKill = delivered.size();
      try {
        target.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inFlightAtKill = k;
      throw new IOException("the alert role was killed during this request");
    }
    int status;
    if (camera.equals("cam-poison")) {
      poisonAttempts.incrementAndGet();
      status = 500;
    } else if (n == 20) {
      dropped.incrementAndGet();
      // no answer: the connection is closed under the client
      throw new IOException("receiver drops this connection on purpose");
    } else if (n == 10) {
      served429.incrementAndGet();
      ex.getResponseHeaders().add("Retry-After", "1");
      status = 429;
    } else if (n % 3 == 0) {
      served500.incrementAndGet();
      status = 500;
    } else {
      status = 200;
      if (camera.startsWith("cam-aborted")) {
        abortedSeen.incrementAndGet();
      }
      if (delivered.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet() == 1) {
        firstOrder
            .computeIfAbsent(camera, c -> java.util.Collections.synchronizedList(new ArrayList<>()))
            .add(json.get("startTimeMs").asLong());
      }
    }
    byte[] answer = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, answer.length);
    ex.getResponseBody().write(answer);
    ex.close();
  }

  private static List<ActionEvent> events() {
    List<ActionEvent> out = new ArrayList<>();
    long t0 = 1_780_000_000_000L;
    for (int i = 0; i < PER_CAMERA; i++) {
      for (int c = 0; c < CAMERAS; c++) {
        Type type = TYPES.get((i + c) % TYPES.size());
        String action = type == Type.CAMERA_OFFLINE ? null : ACTIONS.get((i + 2 * c) % 4);
        // 61 s of event time apart: the default rate limit (60 s) lets every one through
        long start = t0 + i * 61_000L;
        long end = type == Type.ACTION_ANTICIPATED ? start + 2_000 : -1;
        out.add(new ActionEvent(String.format("cam-%02d", c), type, action, start, end, 0.9));
      }
    }
    return out;
  }

  @Test
  void shouldDeliverEveryEventAtLeastOnceThroughFailuresAndAKill() throws Exception {
    long began = System.nanoTime();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", this::handle);
    receiver.setExecutor(Executors.newFixedThreadPool(2));
    receiver.start();
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    List<ActionEvent> events = events();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    RoleProcess alert = null;
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      alert = startAlert(bootstrap, url, "alert-first");

      victim = alert;
      Future<?> writer = pool.submit(() -> write(bootstrap, events));
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (inFlightAtKill == null && System.nanoTime() < deadline && alert.isAlive()) {
        Thread.sleep(20);
      }
      assertTrue(inFlightAtKill != null, "killed during a POST:\n" + alert.logTail(3000));
      int atKill = deliveredAtKill;
      assertTrue(
          atKill >= 60 && atKill < EVENTS,
          "the kill lands mid-stream: " + atKill + " of " + EVENTS + " delivered");
      alert = startAlert(bootstrap, url, "alert-second");
      writer.get();

      while ((delivered.size() < EVENTS || poisonAttempts.get() < 4)
          && System.nanoTime() < deadline
          && alert.isAlive()) {
        Thread.sleep(50);
      }
      String context = "\nalert log:\n" + alert.logTail(4000);
      List<ConsumerRecord<String, byte[]>> letters =
          CommittedRecords.atLeast(bootstrap, Topics.DEADLETTER, 1, Duration.ofSeconds(30));
      Thread.sleep(1000); // late duplicates
      int exit = alert.terminate(30);

      List<String> missing = new ArrayList<>();
      for (ActionEvent e : events) {
        if (!delivered.containsKey(key(e.camera(), e.type().name(), e.startTimeMs()))) {
          missing.add(e.camera() + " " + e.type() + " " + e.startTimeMs());
        }
      }
      int duplicates = delivered.values().stream().mapToInt(a -> a.get() - 1).sum();
      int retries = served500.get() + served429.get() + dropped.get();
      double seconds = (System.nanoTime() - began) / 1e9;
      System.out.printf(
          "AlertWebhookIT: events %d, delivered %d, duplicates %d, retries %d (500: %d, 429: %d,"
              + " dropped: %d), requests %d, dead-lettered %d (poison attempts %d), delivered at"
              + " the kill %d, seconds %.1f%n",
          EVENTS,
          EVENTS - missing.size(),
          duplicates,
          retries,
          served500.get(),
          served429.get(),
          dropped.get(),
          requests.get(),
          letters.size(),
          poisonAttempts.get(),
          atKill,
          seconds);

      assertEquals(List.of(), missing, "every event delivered at least once" + context);
      assertEquals(EVENTS, delivered.size(), "nothing but the written events delivered" + context);
      assertTrue(
          delivered.containsKey(inFlightAtKill),
          "the event in flight at the kill was delivered after the restart: " + inFlightAtKill);
      assertEquals(0, abortedSeen.get(), "events of an aborted transaction are never sent");
      assertTrue(served500.get() > 10 && served429.get() == 1 && dropped.get() == 1, "failures");
      for (var e : firstOrder.entrySet()) {
        List<Long> sorted = new ArrayList<>(e.getValue());
        sorted.sort(null);
        assertEquals(sorted, e.getValue(), e.getKey() + ": first deliveries in order");
      }

      // at least once holds for dead letters too: a kill between the letter and its commit
      // writes a second one
      assertTrue(!letters.isEmpty() && letters.size() <= 2, "poison dead-lettered: " + letters);
      ConsumerRecord<String, byte[]> letter = letters.get(0);
      assertEquals("cam-poison", letter.key());
      assertEquals("alert", FrameHeaders.getString(letter.headers(), DeadLetterHeaders.STAGE));
      assertEquals(
          Topics.EVENTS, FrameHeaders.getString(letter.headers(), DeadLetterHeaders.TOPIC));
      String reason = FrameHeaders.getString(letter.headers(), DeadLetterHeaders.REASON);
      assertTrue(reason.startsWith("4 attempts failed") && reason.contains("HTTP 500"), reason);
      ActionEvent poison = JsonSerde.events().deserialize(Topics.EVENTS, letter.value());
      assertEquals("cam-poison", poison.camera());
      long offset = FrameHeaders.getLong(letter.headers(), DeadLetterHeaders.OFFSET);
      int partition = (int) FrameHeaders.getLong(letter.headers(), DeadLetterHeaders.PARTITION);

      assertEquals(143, exit, "SIGTERM: graceful stop" + context);
      assertTrue(
          alert.log().contains("oad alert: AlertSettings[webhook=http://127.0.0.1:"),
          "settings logged" + context);
      assertTrue(!alert.log().contains("it-secret"), "the authorization is never logged");
      Map<TopicPartition, Long> needed = lastOffsets(bootstrap);
      Map<TopicPartition, Long> committed = committed(bootstrap);
      for (var e : needed.entrySet()) {
        long c = committed.getOrDefault(e.getKey(), -1L);
        assertTrue(
            c > e.getValue(),
            e.getKey() + ": committed " + c + " after the last event at " + e.getValue());
      }
      assertTrue(
          needed.getOrDefault(new TopicPartition(Topics.EVENTS, partition), -1L) >= offset,
          "the dead letter names a real source offset");
    } finally {
      pool.shutdownNow();
      if (alert != null) {
        alert.kill();
      }
      receiver.stop(0);
    }
  }

  private RoleProcess startAlert(String bootstrap, String url, String name) throws IOException {
    return RoleProcess.start(
        tmp,
        name,
        List.of("alert", "--bootstrap", bootstrap, "--webhook", url, "--metrics-port", "0"),
        Map.of(
            "OAD_KAFKA_CONSUMER_AUTO_OFFSET_RESET", "earliest",
            "OAD_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000",
            "OAD_ALERT_MAX_ATTEMPTS", "4",
            "OAD_ALERT_BACKOFF_INITIAL_MS", "50",
            "OAD_ALERT_BACKOFF_MAX_MS", "400",
            "OAD_ALERT_WEBHOOK_AUTHORIZATION", "Bearer it-secret"));
  }

  /**
   * Writes the events in transactions of 10, one every 50 ms, plus one aborted transaction and the
   * poison event.
   */
  private static Void write(String bootstrap, List<ActionEvent> events) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "alert-it-events");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      for (int i = 0; i < events.size(); i += 10) {
        producer.beginTransaction();
        for (ActionEvent e : events.subList(i, Math.min(events.size(), i + 10))) {
          producer.send(record(e));
        }
        if (i == 100) {
          producer.send(
              record(new ActionEvent("cam-poison", Type.ACTION_STARTED, "run", 1L, -1, 0.5)));
        }
        producer.commitTransaction();
        if (i == 50) {
          producer.beginTransaction();
          for (int c = 0; c < 5; c++) {
            producer.send(
                record(new ActionEvent("cam-aborted-" + c, Type.ACTION_STARTED, "run", 1L, -1, 1)));
          }
          producer.flush();
          producer.abortTransaction();
        }
        Thread.sleep(50);
      }
    }
    return null;
  }

  private static ProducerRecord<String, byte[]> record(ActionEvent e) {
    return new ProducerRecord<>(
        Topics.EVENTS, e.camera(), JsonSerde.events().serialize(Topics.EVENTS, e));
  }

  /** The offset of the last committed event of each partition of oad.events. */
  private static Map<TopicPartition, Long> lastOffsets(String bootstrap) {
    Map<TopicPartition, Long> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r :
        CommittedRecords.atLeast(bootstrap, Topics.EVENTS, EVENTS + 1, Duration.ofSeconds(30))) {
      out.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::max);
    }
    return out;
  }

  private static Map<TopicPartition, Long> committed(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, Long> out =
          new TreeMap<>(java.util.Comparator.comparing(Object::toString));
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets("oad-alert").partitionsToOffsetAndMetadata().get();
      offsets.forEach((tp, o) -> out.put(tp, o == null ? -1L : o.offset()));
      return out;
    }
  }
}
