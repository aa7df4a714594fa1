package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.oad.contract.FrameHeaders;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A clip served over HTTP by an in-process server stands in for a network camera. */
class HttpStreamTest {
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private Path clip;
  private String url;

  @BeforeEach
  void serve() throws Exception {
    clip = TestVideos.weizmann("walk/daria_walk.avi");
    byte[] body = Files.readAllBytes(clip);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/cam.avi",
        exchange -> {
          requests.incrementAndGet();
          exchange.getResponseHeaders().add("Content-Type", "video/x-msvideo");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/cam.avi";
  }

  @AfterEach
  void shutdown() {
    server.stop(0);
  }

  @Test
  void shouldIngestAnHttpStreamWithCaptureTimesNearTheWallClock() throws Exception {
    TestVideos.ClipInfo info = TestVideos.count(clip);
    MockProducer<String, byte[]> producer = TestVideos.producer();
    long before = System.currentTimeMillis();

    IngestResult result =
        new VideoIngestor(IngestOptions.builder().setCameraId("net").addSource(url).build())
            .run(producer);

    assertEquals(info.frames(), result.framesRead());
    long expected = TestVideos.ClipInfo.expectedSampled(4.0, info);
    // the stream's clock starts when it opens, off the sampling grid: one frame more or less
    assertTrue(Math.abs(result.framesPublished() - expected) <= 1, result + " vs " + expected);
    long first = producer.history().get(0).timestamp();
    assertTrue(
        first >= before && first <= System.currentTimeMillis(), "first capture time " + first);
  }

  @Test
  void shouldReconnectWhenTheStreamEndsAndContinueTheSequence() {
    MockProducer<String, byte[]> producer = TestVideos.producer();
    long perPlay = TestVideos.ClipInfo.expectedSampled(4.0, countQuietly());
    IngestOptions options =
        IngestOptions.builder()
            .setCameraId("net")
            .addSource(url)
            .optReconnect(true)
            .optMaxFrames(perPlay + 3)
            .build();

    IngestResult result = new VideoIngestor(options).run(producer);

    assertEquals(perPlay + 3, result.framesPublished());
    assertTrue(requests.get() >= 2, "reopened the stream: " + requests.get() + " requests");
    List<ProducerRecord<String, byte[]>> records = producer.history();
    for (int i = 1; i < records.size(); i++) {
      assertEquals(i, FrameHeaders.getLong(records.get(i).headers(), FrameHeaders.SEQUENCE));
      assertTrue(
          records.get(i).timestamp() > records.get(i - 1).timestamp(), "time increases at " + i);
    }
  }

  private TestVideos.ClipInfo countQuietly() {
    try {
      return TestVideos.count(clip);
    } catch (Exception e) {
      throw new AssertionError("cannot count frames of " + clip, e);
    }
  }
}
