package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unreadable inputs and failed sends become IngestExceptions that name source and cause. */
class IngestErrorsTest {
  @TempDir Path dir;

  private static IngestException ingest(String source, MockProducer<String, byte[]> producer) {
    IngestOptions options =
        IngestOptions.builder()
            .setCameraId("cam")
            .addSource(source)
            .optSocketTimeoutMs(2000)
            .build();
    return assertThrows(IngestException.class, () -> new VideoIngestor(options).run(producer));
  }

  @Test
  void shouldNameTheMissingFile() {
    String missing = dir.resolve("nope.avi").toString();
    IngestException e = ingest(missing, TestVideos.producer());
    assertTrue(e.getMessage().contains(missing), e.getMessage());
    assertTrue(e.getMessage().contains("file not found"), e.getMessage());
  }

  @Test
  void shouldRejectAFileThatIsNotAVideo() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.avi"), "this is not a video\n".repeat(50));
    MockProducer<String, byte[]> producer = TestVideos.producer();
    IngestException e = ingest(text.toString(), producer);
    assertTrue(e.getMessage().startsWith("cannot read video '" + text + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("Invalid data found"), e.getMessage());
    assertTrue(producer.history().isEmpty());
  }

  @Test
  void shouldRejectAFolder() {
    IngestException e = ingest(dir.toString(), TestVideos.producer());
    assertTrue(e.getMessage().contains("not a readable file"), e.getMessage());
  }

  @Test
  void shouldReportAnUnreachableStream() {
    // port 1 on localhost refuses connections at once
    String url = "http://127.0.0.1:1/camera.mjpg";
    IngestException e = ingest(url, TestVideos.producer());
    assertTrue(e.getMessage().startsWith("cannot read video '" + url + "': "), e.getMessage());
    assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
  }

  @Test
  void shouldReportAnUnreachableRtspCamera() {
    String url = "rtsp://127.0.0.1:1/stream";
    IngestException e = ingest(url, TestVideos.producer());
    assertTrue(e.getMessage().startsWith("cannot read video '" + url + "': "), e.getMessage());
    assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
  }

  @Test
  void shouldRejectAnUnsupportedSchemeWhenBuildingOptions() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> IngestOptions.builder().setCameraId("c").addSource("ftp://host/x.avi").build());
    assertTrue(e.getMessage().contains("ftp"), e.getMessage());
  }

  @Test
  void shouldStopBeforeTheNextSourceWhenOneIsUnreadable() {
    Path clip = TestVideos.weizmann("walk/daria_walk.avi");
    MockProducer<String, byte[]> producer = TestVideos.producer();
    IngestOptions options =
        IngestOptions.builder()
            .setCameraId("cam")
            .addSource(clip.toString())
            .addSource(dir.resolve("missing.avi").toString())
            .build();
    assertThrows(IngestException.class, () -> new VideoIngestor(options).run(producer));
    assertTrue(producer.flushed() || !producer.history().isEmpty(), "frames of the good clip sent");
  }

  @Test
  void shouldFailWhenKafkaRejectsAFrameLater() {
    Path clip = TestVideos.weizmann("walk/daria_walk.avi");
    MockProducer<String, byte[]> producer =
        new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    IngestOptions options =
        IngestOptions.builder().setCameraId("cam-x").addSource(clip.toString()).build();
    // fail the first send once it is in flight; the listener runs on the ingesting thread
    IngestProgress.Listener failFirst =
        p -> {
          if (p.framesPublished() == 1 && !producer.history().isEmpty()) {
            producer.errorNext(new RecordTooLargeException("too big"));
          }
        };
    VideoIngestor ingestor = new VideoIngestor(options, new IngestMetrics(), failFirst);

    IngestException e = assertThrows(IngestException.class, () -> ingestor.run(producer));

    assertTrue(e.getMessage().contains("cam-x"), e.getMessage());
    assertTrue(e.getMessage().contains("too big"), e.getMessage());
    assertEquals(RecordTooLargeException.class, e.getCause().getClass());
  }

  @Test
  void shouldFailWhenSendThrows() {
    Path clip = TestVideos.weizmann("walk/daria_walk.avi");
    MockProducer<String, byte[]> producer = TestVideos.producer();
    producer.sendException = new TimeoutException("no metadata");
    IngestOptions options =
        IngestOptions.builder().setCameraId("cam-y").addSource(clip.toString()).build();

    IngestException e =
        assertThrows(IngestException.class, () -> new VideoIngestor(options).run(producer));

    assertTrue(
        e.getMessage().contains("cam-y") && e.getMessage().contains("no metadata"), e.getMessage());
  }

  @Test
  void shouldRetryAnUnreachableStreamUntilStopped() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestMetrics metrics = new IngestMetrics().register(registry);
    IngestOptions options =
        IngestOptions.builder()
            .setCameraId("flaky")
            .addSource("rtsp://127.0.0.1:1/stream")
            .optReconnect(true)
            .build();
    VideoIngestor ingestor = new VideoIngestor(options, metrics);

    CompletableFuture<IngestResult> run =
        CompletableFuture.supplyAsync(() -> ingestor.run(TestVideos.producer()));
    Thread.sleep(1200); // backoff 0.5 s then 1 s: two retries scheduled by now
    assertFalse(run.isDone(), "still retrying");
    ingestor.stop();
    IngestResult result = run.get(10, TimeUnit.SECONDS);

    assertEquals(0, result.framesRead());
    double retries =
        registry.scrape().stream()
            .filter(s -> s.getMetadata().getPrometheusName().equals("oad_ingest_reconnects"))
            .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
            .mapToDouble(p -> p.getValue())
            .sum();
    assertTrue(retries >= 2 && retries <= 3, "retries: " + retries);
  }
}
