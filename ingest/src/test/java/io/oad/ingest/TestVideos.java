package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/** Test helpers: locating shared clips, counting their frames independently, a mock producer. */
public final class TestVideos {
  private TestVideos() {}

  /** A Weizmann clip from the shared data folder; fails the test clearly if it is absent. */
  public static Path weizmann(String relative) {
    String shared = System.getProperty("oad.shared");
    if (shared == null) {
      fail("system property oad.shared is not set: run the tests through Maven (surefire sets it)");
    }
    Path clip = Path.of(shared, "data", "weizmann", "videos", relative);
    if (!Files.isRegularFile(clip)) {
      fail("shared Weizmann clip missing: " + clip + " (is the oad.shared folder mounted?)");
    }
    return clip;
  }

  /** Frame count and declared frame rate of a clip, counted by decoding every frame. */
  public record ClipInfo(int frames, double fps) {
    /** Frames the ingestor must keep under the sampling rule, with clips played back to back. */
    public static long expectedSampled(double targetFps, ClipInfo... clips) {
      // all clips share one frame rate here; frame k of the joined stream is at k / fps seconds
      int total = 0;
      for (ClipInfo c : clips) {
        total += c.frames();
      }
      return (long) Math.floor((total - 1) * targetFps / clips[0].fps()) + 1;
    }
  }

  public static ClipInfo count(Path clip) throws Exception {
    FfmpegLogging.quiet();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(clip.toString())) {
      grabber.start();
      int n = 0;
      while (grabber.grabImage() != null) {
        n++;
      }
      return new ClipInfo(n, grabber.getFrameRate());
    }
  }

  public static MockProducer<String, byte[]> producer() {
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  }

  public static List<ProducerRecord<String, byte[]>> history(
      MockProducer<String, byte[]> producer) {
    return new ArrayList<>(producer.history());
  }
}
