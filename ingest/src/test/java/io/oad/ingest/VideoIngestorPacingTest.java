package io.oad.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.FrameHeaders;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real-time pacing, looping, stop() and progress reports, on a short real clip. */
class VideoIngestorPacingTest {
  private static Path clip;
  private static TestVideos.ClipInfo info;

  @BeforeAll
  static void findClip() throws Exception {
    clip = TestVideos.weizmann("bend/daria_bend.avi");
    info = TestVideos.count(clip);
  }

  private static IngestOptions.Builder options() {
    return IngestOptions.builder().setCameraId("pace").addSource(clip.toString());
  }

  @Test
  void shouldPaceFramesAtCaptureRateWhenRealtime() {
    MockProducer<String, byte[]> producer = TestVideos.producer();
    List<Long> sentAtNanos = new ArrayList<>();
    IngestProgress.Listener recordSends =
        p -> {
          while (sentAtNanos.size() < producer.history().size()) {
            sentAtNanos.add(System.nanoTime());
          }
        };

    IngestResult result =
        new VideoIngestor(options().optRealtime(true).build(), new IngestMetrics(), recordSends)
            .run(producer);

    // the run cannot end before the capture time of the last kept frame
    long lastFrameMs = (long) ((info.frames() - 1) / info.fps() * 1000);
    assertTrue(result.wallTime().toMillis() >= lastFrameMs - 60, "took " + result.wallTime());
    long span =
        TimeUnit.NANOSECONDS.toMillis(sentAtNanos.get(sentAtNanos.size() - 1) - sentAtNanos.get(0));
    long videoSpan =
        producer.history().get(producer.history().size() - 1).timestamp()
            - producer.history().get(0).timestamp();
    assertTrue(
        Math.abs(span - videoSpan) < 150,
        "sent over " + span + " ms for " + videoSpan + " ms of video");
  }

  @Test
  void shouldRunFasterThanRealtimeByDefault() {
    IngestResult result = new VideoIngestor(options().build()).run(TestVideos.producer());
    assertTrue(result.speedFactor() > 2, "speed factor " + result.speedFactor());
  }

  @Test
  void shouldPlaceAFastReplayInThePastSoThatNoCaptureTimeIsAheadOfTheClock() {
    MockProducer<String, byte[]> producer = TestVideos.producer();
    long before = System.currentTimeMillis();

    new VideoIngestor(options().build()).run(producer);

    long after = System.currentTimeMillis();
    var records = producer.history();
    long last = records.get(records.size() - 1).timestamp();
    assertTrue(last <= after, "last capture time " + (last - after) + " ms ahead of the clock");
    long first = records.get(0).timestamp();
    long clipMs = (long) (info.frames() / info.fps() * 1000);
    assertTrue(first >= before - clipMs - 1000, "anchored just before the run: " + first);
    for (int i = 1; i < records.size(); i++) {
      long step = records.get(i).timestamp() - records.get(i - 1).timestamp();
      assertTrue(step >= 240 && step <= 280, "step " + i + " is " + step + " ms");
    }
  }

  @Test
  void shouldHoldAFastReplayWithinTheCaptureAheadBoundWhenItsLengthIsUnknown() {
    MockProducer<String, byte[]> producer = TestVideos.producer();
    // looping: no length to anchor the replay in the past, so it is held back instead
    VideoIngestor ingestor =
        new VideoIngestor(options().optLoop(true).optMaxFrames(20).build())
            .withMaxCaptureAheadMs(1_000);

    IngestResult result = ingestor.run(producer);
    long after = System.currentTimeMillis();

    assertEquals(20, producer.history().size());
    long last = producer.history().get(19).timestamp();
    assertTrue(last <= after + 1_000, "last capture time " + (last - after) + " ms ahead");
    // 20 frames span 4.75 s of capture time; at most 1 s of it may be ahead of the clock
    assertTrue(result.wallTime().toMillis() >= 3_500, "took " + result.wallTime());
  }

  @Test
  void shouldLoopContinuouslyUntilStopped() throws Exception {
    MockProducer<String, byte[]> producer = TestVideos.producer();
    VideoIngestor ingestor = new VideoIngestor(options().optLoop(true).build());

    CompletableFuture<IngestResult> run =
        CompletableFuture.supplyAsync(() -> ingestor.run(producer));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (producer.history().size() < 40 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    ingestor.stop();
    IngestResult result = run.get(20, TimeUnit.SECONDS);

    assertTrue(result.framesPublished() >= 40, "published " + result.framesPublished());
    assertTrue(
        result.videoTime().toMillis() > 2 * (long) (info.frames() / info.fps() * 1000),
        "looped more than twice");
    var records = producer.history();
    for (int i = 1; i < records.size(); i++) {
      assertEquals(i, FrameHeaders.getLong(records.get(i).headers(), FrameHeaders.SEQUENCE));
      long step = records.get(i).timestamp() - records.get(i - 1).timestamp();
      assertTrue(step >= 240 && step <= 280, "step " + i + " is " + step + " ms");
    }
  }

  @Test
  void shouldReportProgressPerFrameAndAtTheEndOfEachSource() {
    List<IngestProgress> reports = new ArrayList<>();
    IngestOptions twice = options().addSource(clip.toString()).build();

    new VideoIngestor(twice, new IngestMetrics(), reports::add).run(TestVideos.producer());

    List<IngestProgress> ends = reports.stream().filter(IngestProgress::sourceDone).toList();
    assertEquals(2, ends.size());
    assertEquals(0, ends.get(0).sourceIndex());
    assertEquals(1, ends.get(1).sourceIndex());
    int frames = info.frames();
    assertEquals(frames, ends.get(0).framesDone());
    assertEquals(frames, ends.get(0).framesTotal());
    assertEquals(2 * frames + 2, reports.size());

    // the same reports drawn by the console bar: each file ends on a full bar, with its ETA column
    ByteArrayOutputStream drawn = new ByteArrayOutputStream();
    ConsoleProgressBar console = new ConsoleProgressBar(new PrintStream(drawn, true, UTF_8));
    reports.forEach(console::onProgress);
    String text = drawn.toString(UTF_8);
    // redraws are '\r' + line, a closed bar ends its line; the library redraws on a timer thread
    // too, so only the last drawing of each file is checked
    assertTrue(text.endsWith("\n"), "the last bar ends its line: " + text);
    assertEquals(2, text.chars().filter(c -> c == '\n').count(), "one line per file: " + text);
    List<String> drawings = List.of(text.split("[\r\n]+"));
    for (int i = 0; i < 2; i++) {
      String prefix = clip.getFileName() + " (" + (i + 1) + "/2) ";
      String last =
          drawings.stream().filter(d -> d.startsWith(prefix)).reduce((a, b) -> b).orElse(text);
      assertTrue(last.startsWith(prefix + "100%"), last);
      assertTrue(last.contains(frames + "/" + frames + " frames"), last);
      assertTrue(last.matches(".*\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\).*"), "ETA: " + last);
      assertTrue(last.strip().endsWith(ends.get(i).framesPublished() + " published"), last);
      assertTrue(last.length() <= ConsoleProgressBar.WIDTH, last);
    }
    // a bar stopped after the first frame is drawn as such: no progress yet, the ETA still there
    drawn.reset();
    ConsoleProgressBar first = new ConsoleProgressBar(new PrintStream(drawn, true, UTF_8));
    first.onProgress(reports.get(0));
    first.close();
    String early = drawn.toString(UTF_8);
    early = early.substring(early.lastIndexOf('\r') + 1);
    assertTrue(early.contains(" 1/" + frames + " frames"), early);
    assertFalse(early.contains("=="), "first frame shows an empty bar: " + early);
    // streams of unknown length draw nothing
    drawn.reset();
    console.onProgress(new IngestProgress("rtsp://cam/1", 0, 1, 5, -1, 5, false));
    assertEquals("", drawn.toString(UTF_8));
  }
}
