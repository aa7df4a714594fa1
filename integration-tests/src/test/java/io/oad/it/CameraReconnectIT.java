package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.oad.contract.ActionEvent;
import io.oad.contract.FrameHeaders;
import io.oad.contract.JsonSerde;
import io.oad.contract.Topics;
import io.oad.ingest.CameraSupervisor;
import io.oad.ingest.ConnectionEvents;
import io.oad.ingest.IngestMetrics;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.VideoIngestor;
import io.oad.service.EmbeddedKafka;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live cameras against a real video server: Debian's {@code ffmpeg} serves a Weizmann clip as MJPEG
 * over HTTP from its own process, and a {@link CameraSupervisor} ingests it, next to a second
 * camera played from a file, into a real in-process broker. The server is killed with SIGKILL
 * mid-stream and started again, or frozen with SIGSTOP (a stall: the connection stays open but no
 * byte arrives); ingest must notice, report the camera offline, reconnect by itself and resume
 * publishing, while the file camera never stops.
 */
@Tag("integration")
class CameraReconnectIT {
  private static final int STALL_MS = 1_500;

  @TempDir static Path shared;
  private static EmbeddedKafka kafka;

  @TempDir Path tmp;
  private Path clip;
  private VideoServer server;
  private Collector collector;

  @BeforeAll
  static void startBroker() {
    kafka = new EmbeddedKafka(shared.resolve("kafka"), 0).start();
    kafka.createTopics(1, Topics.all());
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @BeforeEach
  void prepare() {
    clip = EndToEndIT.weizmann().resolve("videos/walk/daria_walk.avi");
    server = new VideoServer(ffmpeg(), clip, freePort(), tmp);
    collector = new Collector(kafka.bootstrapServers());
  }

  @AfterEach
  void cleanUp() throws Exception {
    server.close();
    collector.close();
  }

  @Test
  void shouldResumePublishingByItselfAfterTheVideoServerIsKilledAndStartedAgain() throws Exception {
    server.start();
    Path file = tmp.resolve("cameras.properties");
    Files.writeString(
        file,
        "camera.net-1.url = "
            + server.url()
            + "\ncamera.file-1.url = "
            + clip
            + "\ncamera.file-1.loop = true\n");
    PrometheusRegistry registry = new PrometheusRegistry();
    try (KafkaProducer<String, byte[]> producer = producer();
        CameraSupervisor cameras =
            new CameraSupervisor(
                producer, new IngestMetrics().register(registry), new ConnectionEvents(producer))) {
      cameras.watch(file, CameraReconnectIT::defaults, Duration.ofSeconds(1));
      await(
          "frames of both cameras",
          () -> collector.frames("net-1").size() >= 4 && collector.frames("file-1").size() >= 4);

      long killedAt = System.currentTimeMillis();
      server.kill();
      await("net-1 reported disconnected", () -> gauge(registry, "net-1") == 0.0);
      Thread.sleep(2_000); // down for a while: several reconnect attempts are refused
      long lastSeqBefore = seq(last(collector.frames("net-1")));
      double attempts = reconnects(registry, "net-1", null);
      assertTrue(attempts >= 2, "reconnect attempts while the server was down: " + attempts);

      long backAt = System.currentTimeMillis();
      server.start();
      long listeningAt = server.awaitListening(() -> !collector.frames("net-1", backAt).isEmpty());
      await(
          "net-1 frames after the server came back",
          () -> collector.frames("net-1").stream().anyMatch(r -> r.record().timestamp() > backAt));
      Received first =
          collector.frames("net-1").stream()
              .filter(r -> r.record().timestamp() > backAt)
              .findFirst()
              .orElseThrow();
      System.out.printf(
          "CameraReconnectIT: server restarted -> first frame captured after %d ms, received from"
              + " oad.frames after %d ms; server listening -> frame received: %s"
              + " (%.0f reconnect attempts while down)%n",
          first.record().timestamp() - backAt,
          first.receivedAtMs() - backAt,
          listeningAt < 0 ? "not seen" : (first.receivedAtMs() - listeningAt) + " ms",
          attempts);
      assertTrue(first.receivedAtMs() - backAt < 10_000, "reconnected within 10 s");

      // the same run went on (no ingest restart): the sequence continues
      assertTrue(seq(first) > lastSeqBefore, seq(first) + " after " + lastSeqBefore);
      assertEquals(1.0, gauge(registry, "net-1"));
      assertEquals(0.0, reconnects(registry, "file-1", null), "the file camera never reconnected");
      // the file camera published all along, at its 4 fps, while net-1 was down
      List<Received> file1 = collector.frames("file-1");
      long duringOutage =
          file1.stream()
              .filter(r -> r.record().timestamp() > killedAt && r.record().timestamp() < backAt)
              .count();
      long expected = (backAt - killedAt) / 250;
      assertTrue(
          duringOutage >= expected - 2, duringOutage + " file frames in the outage, ~" + expected);
      long receivedDuringOutage =
          file1.stream()
              .filter(r -> r.receivedAtMs() > killedAt && r.receivedAtMs() < backAt)
              .count();
      assertTrue(
          receivedDuringOutage >= expected / 2,
          receivedDuringOutage
              + " file frames arrived in oad.frames during the outage, ~"
              + expected);
      for (int i = 1; i < file1.size(); i++) {
        long gap = file1.get(i).record().timestamp() - file1.get(i - 1).record().timestamp();
        assertTrue(gap > 0 && gap < 1_000, "file-1 capture gap " + gap + " ms at " + i);
      }
      // oad.events: offline once (eof or error), then online again, from the ingest side
      // (a refused first attempt, if ingest was faster than ffmpeg's start, is an earlier outage)
      await("online event", () -> collector.events("net-1", killedAt).size() >= 2);
      List<Received> events = collector.events("net-1", killedAt);
      ActionEvent offline = event(events.get(0));
      ActionEvent online = event(events.get(1));
      assertEquals(ActionEvent.Type.CAMERA_OFFLINE, offline.type());
      assertTrue(
          List.of("eof", "error").contains(header(events.get(0), ConnectionEvents.REASON_HEADER)));
      assertEquals(ConnectionEvents.ORIGIN, header(events.get(0), ConnectionEvents.ORIGIN_HEADER));
      assertTrue(
          offline.startTimeMs() <= killedAt + 500 && offline.endTimeMs() == -1, "" + offline);
      assertEquals(ActionEvent.Type.CAMERA_ONLINE, online.type());
      assertEquals(offline.startTimeMs(), online.startTimeMs());
      assertTrue(online.endTimeMs() > backAt, "" + online);
      assertEquals(2, events.size(), "one outage, one OFFLINE and one ONLINE: " + events);
      assertTrue(collector.events("file-1").isEmpty(), "the file camera stayed online");
    }
  }

  @Test
  void shouldDetectAStalledServerAndReconnect() throws Exception {
    server.start();
    PrometheusRegistry registry = new PrometheusRegistry();
    try (KafkaProducer<String, byte[]> producer = producer();
        CameraSupervisor cameras =
            new CameraSupervisor(
                producer, new IngestMetrics().register(registry), new ConnectionEvents(producer))) {
      cameras.apply(
          Map.of("net-2", defaults().setCameraId("net-2").addSource(server.url()).build()));
      await("frames", () -> collector.frames("net-2").size() >= 4);

      long frozenAt = System.currentTimeMillis();
      server.freeze(); // SIGSTOP: the TCP connection stays open, nothing arrives
      await("a stall", () -> reconnects(registry, "net-2", "stall") >= 1);
      long detectedMs = System.currentTimeMillis() - frozenAt;
      System.out.printf(
          "CameraReconnectIT: stall detected %d ms after the server froze (timeout %d ms)%n",
          detectedMs, STALL_MS);
      assertTrue(detectedMs >= STALL_MS - 300, "not before the stall timeout: " + detectedMs);
      assertEquals(0.0, gauge(registry, "net-2"));
      await("offline event", () -> !collector.events("net-2", frozenAt).isEmpty());
      Received offline = collector.events("net-2", frozenAt).get(0);
      assertEquals(ActionEvent.Type.CAMERA_OFFLINE, event(offline).type());
      assertEquals("stall", header(offline, ConnectionEvents.REASON_HEADER));

      server.kill(); // the frozen server is gone for good; a fresh one takes its place
      long backAt = System.currentTimeMillis();
      server.start();
      await(
          "frames again",
          () -> collector.frames("net-2").stream().anyMatch(r -> r.record().timestamp() > backAt));
      await("online event", () -> collector.events("net-2", frozenAt).size() >= 2);
      assertEquals(
          ActionEvent.Type.CAMERA_ONLINE, event(collector.events("net-2", frozenAt).get(1)).type());
      assertEquals(1.0, gauge(registry, "net-2"));
    }
  }

  private static IngestOptions.Builder defaults() {
    return IngestOptions.builder()
        .optRealtime(true)
        .optReconnect(true)
        .optStallTimeoutMs(STALL_MS)
        .optSocketTimeoutMs(5_000)
        .optReconnectBackoff(200, 1_000);
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(VideoIngestor.producerProperties(kafka.bootstrapServers()));
  }

  private static Received last(List<Received> rs) {
    return rs.get(rs.size() - 1);
  }

  private static long seq(Received r) {
    return FrameHeaders.getLong(r.record().headers(), FrameHeaders.SEQUENCE);
  }

  private static String header(Received r, String name) {
    return FrameHeaders.getString(r.record().headers(), name);
  }

  private static ActionEvent event(Received r) {
    return JsonSerde.events().deserialize(Topics.EVENTS, r.record().value());
  }

  private static double gauge(PrometheusRegistry registry, String camera) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals(IngestMetrics.CAMERA_CONNECTED))
        .flatMap(s -> ((GaugeSnapshot) s).getDataPoints().stream())
        .filter(p -> p.getLabels().equals(Labels.of(IngestMetrics.CAMERA_LABEL, camera)))
        .mapToDouble(GaugeSnapshot.GaugeDataPointSnapshot::getValue)
        .findFirst()
        .orElse(Double.NaN);
  }

  /** Reconnects of a camera for one reason, or for all reasons when {@code reason} is null. */
  private static double reconnects(PrometheusRegistry registry, String camera, String reason) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals("oad_ingest_reconnects"))
        .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
        .filter(p -> camera.equals(p.getLabels().get(IngestMetrics.CAMERA_LABEL)))
        .filter(p -> reason == null || reason.equals(p.getLabels().get(IngestMetrics.REASON_LABEL)))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Debian's ffmpeg; the test fails (does not skip) without it, since CI installs it. */
  static Path ffmpeg() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "ffmpeg");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail(
        "the ffmpeg program is not installed (it serves the video in this test):"
            + " apt-get install ffmpeg (.ci/run installs it)");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A record and when this test's consumer received it. */
  record Received(ConsumerRecord<String, byte[]> record, long receivedAtMs) {}

  /** Reads oad.frames and oad.events from the start on a background thread. */
  static final class Collector implements AutoCloseable {
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    Collector(String bootstrap) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(Topics.FRAMES, Topics.EVENTS)) {
        consumer
            .partitionsFor(topic)
            .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions); // only what this test publishes
      partitions.forEach(consumer::position);
      thread =
          new Thread(
              () -> {
                try (consumer) {
                  while (!stop) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                      received.add(new Received(r, System.currentTimeMillis()));
                    }
                  }
                }
              },
              "test-collector");
      thread.start();
    }

    List<Received> frames(String camera) {
      return select(r -> r.topic().equals(Topics.FRAMES) && r.key().equals(camera));
    }

    /** Frames of a camera captured after a wall-clock time. */
    List<Received> frames(String camera, long afterMs) {
      return select(
          r ->
              r.topic().equals(Topics.FRAMES) && r.key().equals(camera) && r.timestamp() > afterMs);
    }

    List<Received> events(String camera) {
      return events(camera, 0);
    }

    /** Events of a camera published at or after a wall-clock time. */
    List<Received> events(String camera, long sinceMs) {
      return select(
          r ->
              r.topic().equals(Topics.EVENTS)
                  && r.key().equals(camera)
                  && r.timestamp() >= sinceMs);
    }

    private List<Received> select(Predicate<ConsumerRecord<String, byte[]>> which) {
      return received.stream().filter(r -> which.test(r.record())).toList();
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(5_000);
    }
  }

  /**
   * {@code ffmpeg -re -stream_loop -1 -i CLIP -c:v mjpeg -f mpjpeg -listen 1 http://...}: a clip
   * looped at its own pace as a multipart-JPEG HTTP stream (what many IP cameras serve), to one
   * client, from a separate process.
   */
  static final class VideoServer implements AutoCloseable {
    private final Path ffmpeg;
    private final Path clip;
    private final int port;
    private final Path logDir;
    private Process process;
    private int starts;

    VideoServer(Path ffmpeg, Path clip, int port, Path logDir) {
      this.ffmpeg = ffmpeg;
      this.clip = clip;
      this.port = port;
      this.logDir = logDir;
    }

    String url() {
      return "http://127.0.0.1:" + port + "/cam.mjpg";
    }

    void start() throws IOException {
      process =
          new ProcessBuilder(
                  ffmpeg.toString(),
                  "-hide_banner",
                  "-nostdin",
                  "-loglevel",
                  "error",
                  "-re",
                  "-stream_loop",
                  "-1",
                  "-i",
                  clip.toString(),
                  "-an",
                  "-c:v",
                  "mjpeg",
                  "-q:v",
                  "5",
                  "-f",
                  "mpjpeg",
                  "-listen",
                  "1",
                  url())
              .redirectErrorStream(true)
              .redirectOutput(logDir.resolve("ffmpeg-" + (++starts) + ".log").toFile())
              .start();
    }

    /**
     * When the server's port started listening (from /proc/net/tcp; the port closes again once
     * ffmpeg accepted its one client), or -1 if that was not seen before {@code done}.
     */
    long awaitListening(BooleanSupplier done) throws IOException, InterruptedException {
      String local = String.format("0100007F:%04X", port);
      Path table = Path.of("/proc/net/tcp");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && !done.getAsBoolean() && Files.isReadable(table)) {
        for (String line : Files.readAllLines(table)) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 3 && f[1].equals(local) && f[3].equals("0A")) {
            return System.currentTimeMillis();
          }
        }
        Thread.sleep(2);
      }
      return -1;
    }

    /** SIGKILL, as a crash would. */
    void kill() throws InterruptedException {
      process.destroyForcibly().waitFor();
    }

    /** SIGSTOP: the process keeps its sockets open but sends nothing more. */
    void freeze() throws IOException, InterruptedException {
      int rc = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).start().waitFor();
      assertEquals(0, rc, "kill -STOP");
    }

    @Override
    public void close() throws InterruptedException {
      if (process != null && process.isAlive()) {
        kill();
      }
    }
  }
}
