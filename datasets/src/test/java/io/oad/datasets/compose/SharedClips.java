package io.oad.datasets.compose;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Test helpers: the shared Weizmann folder, independent decoding, pixel differences. */
final class SharedClips {
  private SharedClips() {}

  /** The shared Weizmann folder; fails the test clearly if it is absent. */
  static Path weizmannDir() {
    String shared = System.getProperty("oad.shared");
    if (shared == null) {
      fail("system property oad.shared is not set: run the tests through Maven (surefire sets it)");
    }
    Path dir = Path.of(shared, "data", "weizmann");
    if (!Files.isRegularFile(dir.resolve("manifest.csv"))) {
      fail("shared Weizmann folder missing: " + dir + " (is the oad.shared folder mounted?)");
    }
    return dir;
  }

  /** Every frame of a video as its own BGR image, decoded without the code under test. */
  static List<BufferedImage> decodeAll(Path video) throws Exception {
    List<BufferedImage> frames = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toString());
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      grabber.start();
      Frame frame;
      while ((frame = grabber.grabImage()) != null) {
        BufferedImage src = converter.convert(frame);
        BufferedImage copy =
            new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        copy.getGraphics().drawImage(src, 0, 0, null);
        frames.add(copy);
      }
    }
    return frames;
  }

  /** Number of decodable frames. */
  static int countFrames(Path video) throws Exception {
    return decodeAll(video).size();
  }

  /** Mean absolute difference over all pixels and colour channels. */
  static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      throw new AssertionError("sizes differ");
    }
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          sum += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }
}
