package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.FrameHeaders;
import io.oad.contract.StepGrid;
import io.oad.contract.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Real Weizmann clips through the ingestor into a mock producer. */
class VideoIngestorWeizmannTest {
  private static final long START_MS = 1_700_000_000_000L;

  private static IngestOptions.Builder options(Path... clips) {
    IngestOptions.Builder b =
        IngestOptions.builder().setCameraId("cam-1").optStartTimeMs(START_MS).optTargetFps(4.0);
    for (Path clip : clips) {
      b.addSource(clip.toString());
    }
    return b;
  }

  @Test
  void shouldPublishOneClipSampledToFourFramesPerSecond() throws Exception {
    Path clip = TestVideos.weizmann("walk/daria_walk.avi");
    TestVideos.ClipInfo info = TestVideos.count(clip);
    MockProducer<String, byte[]> producer = TestVideos.producer();

    IngestResult result = new VideoIngestor(options(clip).build()).run(producer);

    long expected = TestVideos.ClipInfo.expectedSampled(4.0, info);
    List<ProducerRecord<String, byte[]>> records = TestVideos.history(producer);
    assertEquals(info.frames(), result.framesRead(), "every frame of the clip is decoded");
    assertEquals(expected, records.size(), "sampled frames for " + info);
    assertEquals(expected, result.framesPublished());
    double seconds = info.frames() / info.fps();
    assertTrue(Math.abs(records.size() - seconds * 4) <= 1.0, "about 4 frames per second of video");
    assertEquals(Math.round(seconds * 1000), result.videoTime().toMillis(), 1);
    for (int i = 0; i < records.size(); i++) {
      ProducerRecord<String, byte[]> r = records.get(i);
      assertEquals(Topics.FRAMES, r.topic());
      assertEquals("cam-1", r.key());
      assertEquals(i, FrameHeaders.getLong(r.headers(), FrameHeaders.SEQUENCE));
      assertEquals(160, FrameHeaders.getLong(r.headers(), FrameHeaders.WIDTH));
      assertEquals(120, FrameHeaders.getLong(r.headers(), FrameHeaders.HEIGHT));
      assertEquals(
          FrameHeaders.JPEG, FrameHeaders.getString(r.headers(), FrameHeaders.CONTENT_TYPE));
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.value()));
      assertNotNull(image, "frame " + i + " is a decodable JPEG");
      assertEquals(160, image.getWidth());
      assertEquals(120, image.getHeight());
    }
    assertEquals(START_MS, records.get(0).timestamp(), "frame 0 is captured at startTimeMs");
    for (int i = 1; i < records.size(); i++) {
      long step = records.get(i).timestamp() - records.get(i - 1).timestamp();
      // 25 fps frames fall on a 40 ms grid, so a 250 ms step shows up as 240..280 ms
      assertTrue(step >= 240 && step <= 280, "step " + i + " is " + step + " ms");
    }
  }

  @Test
  void shouldStartOnTheStepGridWithoutAStartTimeSoEachFrameHasItsOwnStep() throws Exception {
    Path clip = TestVideos.weizmann("walk/daria_walk.avi");
    MockProducer<String, byte[]> producer = TestVideos.producer();
    IngestOptions.Builder b =
        IngestOptions.builder().setCameraId("cam-1").optTargetFps(4.0).addSource(clip.toString());

    long before = System.currentTimeMillis();
    new VideoIngestor(b.build()).run(producer);

    List<ProducerRecord<String, byte[]>> records = TestVideos.history(producer);
    assertTrue(records.size() > 5, "frames: " + records.size());
    long first = records.get(0).timestamp();
    assertEquals(0, first % 250, "the default start " + first + " is on the 250 ms grid");
    assertTrue(first <= before, "an unpaced replay is captured in the past");
    for (int i = 0; i < records.size(); i++) {
      // frame i (25 fps sampled at 4 fps: 0..40 ms after its sampling instant) is in step i
      assertEquals(
          StepGrid.stepOf(first, 4.0) + i,
          StepGrid.stepOf(records.get(i).timestamp(), 4.0),
          "step of frame " + i);
    }
  }

  @Test
  void shouldKeepSequenceAndTimeContinuousAcrossTwoFiles() throws Exception {
    Path first = TestVideos.weizmann("walk/daria_walk.avi");
    Path second = TestVideos.weizmann("wave1/daria_wave1.avi");
    TestVideos.ClipInfo a = TestVideos.count(first);
    TestVideos.ClipInfo b = TestVideos.count(second);
    MockProducer<String, byte[]> producer = TestVideos.producer();

    IngestResult result = new VideoIngestor(options(first, second).build()).run(producer);

    List<ProducerRecord<String, byte[]>> records = TestVideos.history(producer);
    assertEquals(a.frames() + b.frames(), result.framesRead());
    assertEquals(TestVideos.ClipInfo.expectedSampled(4.0, a, b), records.size());
    long[] sequences =
        records.stream()
            .mapToLong(r -> FrameHeaders.getLong(r.headers(), FrameHeaders.SEQUENCE))
            .toArray();
    long[] expectedSequences = new long[records.size()];
    for (int i = 0; i < expectedSequences.length; i++) {
      expectedSequences[i] = i;
    }
    assertArrayEquals(expectedSequences, sequences);
    for (int i = 1; i < records.size(); i++) {
      long step = records.get(i).timestamp() - records.get(i - 1).timestamp();
      assertTrue(step >= 240 && step <= 280, "step " + i + " is " + step + " ms, also at the join");
    }
    long lastMs = records.get(records.size() - 1).timestamp() - START_MS;
    double joinedSeconds = (a.frames() + b.frames()) / a.fps();
    assertTrue(
        lastMs <= joinedSeconds * 1000 && lastMs > joinedSeconds * 1000 - 300,
        "last frame at " + lastMs + " ms of a " + joinedSeconds + " s stream");
  }

  @Test
  void shouldKeepSourceSizeWhenAskedAndStopAtMaxFrames() throws Exception {
    Path clip = TestVideos.weizmann("walk/daria_walk.avi");
    MockProducer<String, byte[]> producer = TestVideos.producer();

    IngestResult result =
        new VideoIngestor(options(clip).optSize(0, 0).optMaxFrames(3).optLoop(true).build())
            .run(producer);

    assertEquals(3, result.framesPublished());
    ProducerRecord<String, byte[]> r = producer.history().get(0);
    assertEquals(180, FrameHeaders.getLong(r.headers(), FrameHeaders.WIDTH));
    assertEquals(144, FrameHeaders.getLong(r.headers(), FrameHeaders.HEIGHT));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.value()));
    assertEquals(180, image.getWidth());
  }
}
