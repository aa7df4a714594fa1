package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oad demo} runs as its own process on a real Weizmann stream at capture speed, with the
 * shipped models; a real headless Chromium opens its live page, and the test reads what the page
 * shows several times a second over the DevTools protocol. The action shown must change as the
 * video goes on, and at every reading be the action predicted for the frame shown (read from {@code
 * oad.predictions} by the test's own consumer). One screenshot is kept as {@code live-page.png} in
 * the build folder. The demo's {@code /metrics} must carry the bridged Kafka Streams metrics.
 */
@Tag("integration")
class LivePageIT {
  private static final String CAMERA = "cam-moshe";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the page shows, read from its elements (text and data attributes). */
  // the page may still be loading when the first reading is taken: missing elements read as empty
  private static final String READ_PAGE =
      """
      JSON.stringify({
        status: document.getElementById("status")?.dataset.state || "loading",
        cameras: [...document.querySelectorAll("section.camera")].map((s) => ({
          camera: s.dataset.camera,
          action: s.dataset.action || "",
          text: s.querySelector("[data-field=action]")?.textContent || "",
          sequence: s.dataset.sequence === undefined ? -1 : Number(s.dataset.sequence),
          points: Number(s.querySelector("canvas.timeline")?.dataset.points || 0),
          anticipated: [...s.querySelectorAll("[data-field=anticipated] li")].map(
            (li) => li.dataset.lead),
          events: s.querySelectorAll("[data-field=events] li").length,
        })),
      })""";

  @TempDir Path tmp;

  private record Reading(long sequence, String action) {}

  @Test
  void shouldShowTheActionsPredictedForTheVideoLiveInHeadlessChromium() throws Exception {
    HeadlessChromium.binary(); // fails at once, with the package to install, when there is none
    Path clips = Path.of(System.getProperty("oad.shared", "../shared")).resolve("data/weizmann");
    assertTrue(
        Files.isDirectory(clips), "Weizmann clips not found at " + clips + " (set -Doad.shared)");
    Path log = tmp.resolve("demo.log");
    long t0 = System.nanoTime();
    Process demo = startDemo(clips, log);
    Map<Long, String> predicted = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread reader = null;
    List<Reading> readings = new ArrayList<>();
    JsonNode last = null;
    String metrics;
    Path screenshot = buildDir().resolve("live-page.png");
    try {
      String url = waitForLine(demo, log, "live    (http://\\S+/)");
      String bootstrap = waitForLine(demo, log, "broker  (\\S+) ");
      reader = new Thread(() -> readPredictions(bootstrap, predicted, stop), "test-reader");
      reader.start();
      progress(t0, "demo serves " + url);
      try (HeadlessChromium browser = HeadlessChromium.open(url, tmp.resolve("chromium"))) {
        Set<String> shown = new LinkedHashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (System.nanoTime() < deadline && demo.isAlive()) {
          JsonNode page = JSON.readTree(browser.evaluate(READ_PAGE));
          for (JsonNode cam : page.path("cameras")) {
            if (CAMERA.equals(cam.path("camera").asText()) && cam.path("sequence").asLong() >= 0) {
              assertEquals(
                  cam.path("action").asText(), cam.path("text").asText(), "shown text = data");
              readings.add(new Reading(cam.path("sequence").asLong(), cam.path("action").asText()));
              shown.add(cam.path("action").asText());
              last = cam;
            }
          }
          if (shown.size() >= 4 && last.path("events").asInt() >= 2) {
            break;
          }
          Thread.sleep(250);
        }
        progress(t0, readings.size() + " readings, shown " + shown);
        browser.screenshot(screenshot);
      }
      // the page's reader and the test's read the same committed records; let the test's catch up
      long caughtUp = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (System.nanoTime() < caughtUp
          && !readings.stream().allMatch(r -> predicted.containsKey(r.sequence()))) {
        Thread.sleep(100);
      }
      metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    } finally {
      stop.set(true); // the reader leaves while the broker is still there
      if (reader != null) {
        reader.join(10_000);
      }
      stopDemo(demo);
    }
    String demoLog = Files.readString(log);
    progress(t0, "demo stopped");

    assertTrue(!readings.isEmpty(), "the page never showed " + CAMERA + ":\n" + tail(demoLog));
    List<String> sequenceOfActions = new ArrayList<>();
    for (Reading r : readings) {
      if (sequenceOfActions.isEmpty()
          || !sequenceOfActions.get(sequenceOfActions.size() - 1).equals(r.action())) {
        sequenceOfActions.add(r.action());
      }
    }
    assertTrue(
        sequenceOfActions.size() >= 4,
        "the action shown changes with the video, seen: " + sequenceOfActions);
    assertTrue(
        readings.get(readings.size() - 1).sequence() > readings.get(0).sequence() + 8,
        "the page follows the stream: " + readings);
    for (Reading r : readings) {
      assertEquals(
          predicted.get(r.sequence()),
          r.action(),
          "shown for frame " + r.sequence() + " vs predicted on oad.predictions");
    }
    assertTrue(last.path("points").asInt() > 8, "timeline points: " + last);
    assertEquals(8, last.path("anticipated").size(), "8 future steps shown: " + last);
    assertEquals("0.25", last.path("anticipated").get(0).asText(), "first lead time: " + last);
    assertEquals("2.00", last.path("anticipated").get(7).asText(), "last lead time: " + last);
    assertTrue(last.path("events").asInt() >= 2, "events listed: " + last);

    byte[] png = Files.readAllBytes(screenshot);
    assertTrue(
        png.length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G',
        "screenshot " + screenshot + " is a PNG of the page (" + png.length + " bytes)");

    assertTrue(
        Pattern.compile("(?m)^kafka_streams_stream_thread_process_rate\\{thread_id=\"[^\"]+\"\\} ")
            .matcher(metrics)
            .find(),
        "bridged Kafka Streams thread metrics on /metrics");
    assertTrue(
        Pattern.compile("(?m)^kafka_streams_stream_thread_commit_latency_avg\\{")
            .matcher(metrics)
            .find(),
        "commit latency on /metrics");
  }

  /** {@code oad demo} in its own JVM with this test's classpath and the shipped models. */
  private Process startDemo(Path clips, Path log) throws Exception {
    String root = System.getProperty("oad.root", "..");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-Doad.home=" + Path.of(root).toAbsolutePath().normalize()));
    String javacpp = System.getProperty("org.bytedeco.javacpp.cachedir");
    if (javacpp != null) {
      cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + javacpp);
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.oad.deploy.OadCli",
            "demo",
            "--clips",
            clips.toString(),
            "--subjects",
            "moshe",
            "--realtime",
            "--metrics-port",
            "0",
            "--data",
            tmp.resolve("demo").toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  private static void stopDemo(Process demo) throws InterruptedException {
    demo.destroy(); // SIGTERM; its data is in the test's temporary folder, so no need to wait long
    if (!demo.waitFor(5, TimeUnit.SECONDS)) {
      demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Waits for the demo to print a line matching {@code regex}; returns its first group. */
  private static String waitForLine(Process demo, Path log, String regex) throws Exception {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      Matcher m = p.matcher(text);
      if (m.find()) {
        return m.group(1);
      }
      if (!demo.isAlive()) {
        throw new AssertionError("the demo exited with " + demo.exitValue() + ":\n" + tail(text));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the demo printed no line matching " + regex);
  }

  /** The test's own read-committed reader: frame sequence to predicted action, for the camera. */
  private static void readPredictions(
      String bootstrap, Map<Long, String> predicted, AtomicBoolean stop) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "live-page-it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    JsonSerde<Prediction> serde = JsonSerde.predictions();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topics.PREDICTIONS));
      while (!stop.get()) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          Prediction pr = serde.deserialize(r.topic(), r.value());
          if (CAMERA.equals(pr.camera())) {
            predicted.put(pr.sequence(), pr.action());
          }
        }
      }
    } catch (RuntimeException e) {
      // the broker went away with the demo: what was read is kept
    }
  }

  /** The module's build folder (honours a private {@code oad.buildDir}). */
  private static Path buildDir() throws Exception {
    return Path.of(LivePageIT.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .getParent();
  }

  private static void progress(long t0, String what) {
    System.out.printf(
        java.util.Locale.ROOT, "LivePageIT %6.1f s: %s%n", (System.nanoTime() - t0) / 1e9, what);
  }

  private static String tail(String text) {
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }
}
