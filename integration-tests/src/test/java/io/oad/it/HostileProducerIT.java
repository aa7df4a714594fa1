package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import io.oad.extractor.ExtractorConfig;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Models;
import io.oad.topology.DetectConfig;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drill: while two real cameras stream, a raw producer sends every poison class the service must
 * survive: a 600 KB camera id, a 600 KB header, garbage bytes, decompression bombs (a real
 * 6000x6000 JPEG and one whose header claims 30000x30000), a capture time 30 minutes ahead, and
 * 10,000 distinct camera ids. The exactly-once extractor and the detector run as {@code oad}
 * processes. Afterwards neither restarted, the real cameras have one prediction per step, every
 * poison record is on {@code oad.deadletter} with a reason, the 10,000 valid frames were all
 * embedded and predicted (valid data is never lost), and heap stayed under the launcher's limit.
 */
@Tag("integration")
class HostileProducerIT {
  private static final int CHURN = 10_000;

  @TempDir Path tmp;

  @Test
  void shouldDeadLetterEveryPoisonRecordAndKeepServingTheRealCameras() throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      int extractPort = freePort();
      int detectPort = freePort();
      RoleProcess extractor =
          RoleProcess.start(
              tmp,
              "extract",
              List.of(
                  "extract",
                  "--bootstrap",
                  bootstrap,
                  "--transactional-id",
                  "oad-extractor-0",
                  "--metrics-port",
                  String.valueOf(extractPort)),
              Map.of());
      RoleProcess detector =
          RoleProcess.start(
              tmp,
              "detect",
              List.of(
                  "detect",
                  "--bootstrap",
                  bootstrap,
                  "--state-dir",
                  tmp.resolve("detect-state").toString(),
                  "--metrics-port",
                  String.valueOf(detectPort),
                  "--no-live"),
              Map.of());
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        GroupAssignments.await(
            bootstrap,
            ExtractorConfig.DEFAULT_GROUP_ID,
            Topics.FRAMES,
            4,
            1,
            Duration.ofSeconds(90));
        GroupAssignments.await(
            bootstrap,
            DetectConfig.DEFAULT_APPLICATION_ID,
            Topics.EMBEDDINGS,
            4,
            1,
            Duration.ofSeconds(90));

        Map<String, List<String>> cameras =
            Cameras.weizmann(List.of("eli", "ira"), List.of("walk", "jack", "wave2"));
        long started = System.nanoTime();
        List<Future<IngestResult>> ingests = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
          for (var e : cameras.entrySet()) {
            IngestOptions o =
                IngestOptions.builder()
                    .setCameraId(e.getKey())
                    .setSources(e.getValue())
                    .optRealtime(true)
                    .build();
            ingests.add(pool.submit(() -> new VideoIngestor(o).run(producer)));
          }

          Map<String, RecordMetadata> poison = new TreeMap<>();
          Map<String, Integer> sentPerClass = new TreeMap<>();
          try (KafkaProducer<byte[], byte[]> raw = rawProducer(bootstrap)) {
            byte[] jpeg = jpeg(64, 48, Color.GRAY);
            long now = System.currentTimeMillis();
            poison.put(
                "huge key", send(raw, "A".repeat(600_000), jpeg, now, headers(0, 64, 48, null, 0)));
            poison.put(
                "huge header",
                send(
                    raw,
                    "cam-poison-header",
                    jpeg,
                    now,
                    headers(-1, 64, 48, FrameHeaders.SEQUENCE, 600_000)));
            byte[] garbage = new byte[10_000];
            new Random(3).nextBytes(garbage);
            poison.put(
                "garbage",
                send(raw, "cam-poison-garbage", garbage, now, headers(0, 64, 48, null, 0)));
            // a real 36 Mpx frame in 0.56 MB: decoded at full size it would take 108 MB of heap
            poison.put(
                "bomb 6000x6000",
                send(
                    raw,
                    "cam-poison-bomb",
                    jpeg(6000, 6000, Color.DARK_GRAY),
                    now,
                    headers(0, 6000, 6000, null, 0)));
            poison.put(
                "bomb header 30000x30000",
                send(
                    raw,
                    "cam-poison-liar",
                    claimSize(jpeg, 30000, 30000),
                    now,
                    headers(0, 64, 48, null, 0)));
            poison.put(
                "capture 30 min ahead",
                send(
                    raw,
                    "cam-poison-future",
                    jpeg,
                    now + Duration.ofMinutes(30).toMillis(),
                    headers(0, 64, 48, null, 0)));
            poison.keySet().forEach(k -> sentPerClass.put(k, 1));
            // 10,000 distinct camera ids, each with one valid frame: valid data, not poison
            byte[] small = jpeg(64, 48, Color.LIGHT_GRAY);
            for (int i = 0; i < CHURN; i++) {
              raw.send(
                  new ProducerRecord<>(
                      Topics.FRAMES,
                      null,
                      System.currentTimeMillis(),
                      String.format("churn-%05d", i).getBytes(StandardCharsets.UTF_8),
                      small,
                      headers(0, 64, 48, null, 0)));
            }
            raw.flush();
            sentPerClass.put("distinct camera ids", CHURN);
          }

          Map<String, Long> published = Cameras.published(ingests);
          String logs =
              "\nextract log:\n"
                  + extractor.logTail(3000)
                  + "\ndetect log:\n"
                  + detector.logTail(3000);
          long realTotal = published.values().stream().mapToLong(Long::longValue).sum();

          // every poison record is on the dead-letter topic with a reason, found by its source
          List<ConsumerRecord<String, byte[]>> dead =
              CommittedRecords.read(
                  bootstrap,
                  Topics.DEADLETTER,
                  rs -> rs.size() >= poison.size(),
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(120));
          Map<String, String> reasons = new TreeMap<>();
          for (var e : poison.entrySet()) {
            ConsumerRecord<String, byte[]> d = deadLetterOf(dead, e.getValue());
            assertNotNull(d, e.getKey() + " is on the dead-letter topic" + logs);
            String reason = header(d, DeadLetterHeaders.REASON);
            assertNotNull(reason, e.getKey() + " dead letter has a reason");
            assertFalse(reason.isBlank(), e.getKey() + " dead letter has a reason");
            reasons.put(
                e.getKey(), reason.length() > 60 ? reason.substring(0, 60) + "..." : reason);
          }
          long recovered = System.nanoTime();

          // the real cameras: one prediction per step, warm as usual
          Map<String, List<io.oad.contract.Prediction>> all =
              StreamChecks.predictions(
                  CommittedRecords.atLeast(
                      bootstrap, Topics.PREDICTIONS, realTotal + CHURN, Duration.ofSeconds(240)));
          Map<String, List<io.oad.contract.Prediction>> real = new TreeMap<>();
          cameras.keySet().forEach(c -> real.put(c, all.getOrDefault(c, List.of())));
          try {
            StreamChecks.assertOnePredictionPerStep(
                real, published, Models.shippedConfig(256).window());
          } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + logs, e);
          }
          long churned = all.keySet().stream().filter(c -> c.startsWith("churn-")).count();
          assertEquals(CHURN, churned, "every valid frame of a new camera id predicted" + logs);
          assertFalse(
              all.keySet().stream().anyMatch(c -> c.startsWith("cam-poison")),
              "no poison record was predicted: "
                  + all.keySet().stream().filter(c -> c.startsWith("cam-poison")).toList());

          assertTrue(extractor.isAlive(), "the extractor never stopped" + logs);
          assertTrue(detector.isAlive(), "the detector never stopped" + logs);
          double[] extractHeap = heap(extractPort);
          double[] detectHeap = heap(detectPort);
          assertTrue(
              extractHeap[0] < extractHeap[1], "extract heap " + Arrays.toString(extractHeap));
          assertTrue(detectHeap[0] < detectHeap[1], "detect heap " + Arrays.toString(detectHeap));
          System.out.printf(
              "HostileProducerIT: sent %s while %d real frames streamed; dead-lettered with reasons"
                  + " %s; real cameras one prediction per step, %d new camera ids all predicted;"
                  + " dead letters found %.1f s after the start; heap used/max MiB extract %.0f/%.0f,"
                  + " detect %.0f/%.0f; no role restarted%n",
              sentPerClass,
              realTotal,
              reasons,
              churned,
              (recovered - started) / 1e9,
              extractHeap[0] / 1048576,
              extractHeap[1] / 1048576,
              detectHeap[0] / 1048576,
              detectHeap[1] / 1048576);
        }
      } finally {
        pool.shutdownNow();
        extractor.kill();
        detector.kill();
      }
    }
  }

  private static KafkaProducer<byte[], byte[]> rawProducer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // the client would refuse the 600 KB key itself at its 1 MiB default only with the value on top
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static RecordMetadata send(
      KafkaProducer<byte[], byte[]> raw, String key, byte[] value, long timestamp, RecordHeaders h)
      throws Exception {
    return raw.send(
            new ProducerRecord<>(
                Topics.FRAMES, null, timestamp, key.getBytes(StandardCharsets.UTF_8), value, h))
        .get();
  }

  /**
   * Frame headers as our ingest writes them; {@code garbageHeader} of {@code size} bytes instead.
   */
  private static RecordHeaders headers(
      long seq, int width, int height, String garbageHeader, int size) {
    RecordHeaders h = new RecordHeaders();
    if (garbageHeader == null) {
      FrameHeaders.putLong(h, FrameHeaders.SEQUENCE, seq);
    } else {
      byte[] junk = new byte[size];
      new Random(7).nextBytes(junk);
      h.add(garbageHeader, junk);
    }
    FrameHeaders.putLong(h, FrameHeaders.WIDTH, width);
    FrameHeaders.putLong(h, FrameHeaders.HEIGHT, height);
    FrameHeaders.putString(h, FrameHeaders.CONTENT_TYPE, FrameHeaders.JPEG);
    return h;
  }

  private static byte[] jpeg(int width, int height, Color color) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpg", out);
    return out.toByteArray();
  }

  /** The JPEG with its SOF0 header rewritten to claim another size (the data stay small). */
  private static byte[] claimSize(byte[] jpeg, int width, int height) {
    byte[] out = jpeg.clone();
    for (int i = 0; i + 8 < out.length; i++) {
      if ((out[i] & 0xff) == 0xff && (out[i + 1] & 0xff) == 0xc0) {
        out[i + 5] = (byte) (height >> 8);
        out[i + 6] = (byte) height;
        out[i + 7] = (byte) (width >> 8);
        out[i + 8] = (byte) width;
        return out;
      }
    }
    throw new IllegalStateException("no SOF0 marker");
  }

  private static ConsumerRecord<String, byte[]> deadLetterOf(
      List<ConsumerRecord<String, byte[]>> dead, RecordMetadata source) {
    for (ConsumerRecord<String, byte[]> d : dead) {
      if (String.valueOf(source.partition()).equals(header(d, DeadLetterHeaders.PARTITION))
          && String.valueOf(source.offset()).equals(header(d, DeadLetterHeaders.OFFSET))
          && Topics.FRAMES.equals(header(d, DeadLetterHeaders.TOPIC))) {
        return d;
      }
    }
    return null;
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Heap used and max of a role, from its own /metrics. */
  private static double[] heap(int port) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return new double[] {
      value(body, "jvm_memory_used_bytes\\{area=\"heap\"\\} (\\S+)"),
      value(body, "jvm_memory_max_bytes\\{area=\"heap\"\\} (\\S+)")
    };
  }

  private static double value(String body, String regex) {
    Matcher m = Pattern.compile(regex).matcher(body);
    assertTrue(m.find(), regex + " in /metrics");
    return Double.parseDouble(m.group(1));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
