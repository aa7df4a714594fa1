package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Decodes every frame of a video file into one reusable {@code TYPE_3BYTE_BGR} image of a fixed
 * size, resizing (bilinear) when the file's frames have another size.
 */
final class ClipFrames {
  static {
    FfmpegQuiet.apply();
  }

  private ClipFrames() {}

  /** Frame rate the file declares (0 if unknown). */
  static double frameRate(Path file) {
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toString())) {
      grabber.start();
      double rate = grabber.getFrameRate();
      return Double.isFinite(rate) && rate > 0 ? rate : 0;
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new IngestException("cannot read video '" + file + "': " + e.getMessage(), e);
    }
  }

  /** What a video file declares: frame count, frame rate and frame size. */
  record Probe(int frames, double fps, int width, int height) {}

  /**
   * Opens the file and reads its declared frame count, rate and size; counts the frames by decoding
   * when the container does not declare them.
   *
   * @throws IngestException naming the file if FFmpeg cannot read it or it has no video frames
   */
  static Probe probe(Path file) {
    int width;
    int height;
    double rate;
    int frames;
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toString())) {
      grabber.start();
      width = grabber.getImageWidth();
      height = grabber.getImageHeight();
      rate = grabber.getFrameRate();
      frames = grabber.getLengthInVideoFrames();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new IngestException("cannot read video '" + file + "': " + e.getMessage(), e);
    }
    if (width <= 0 || height <= 0) {
      throw new IngestException("'" + file + "' has no video stream");
    }
    if (!(Double.isFinite(rate) && rate > 0)) {
      throw new IngestException("'" + file + "' declares no frame rate");
    }
    if (frames <= 0) {
      frames = forEach(file, new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR), f -> {});
    }
    if (frames <= 0) {
      throw new IngestException("'" + file + "' has no decodable frames");
    }
    return new Probe(frames, rate, width, height);
  }

  /** Calls {@code sink} once per decoded frame with {@code target} filled in; returns the count. */
  static int forEach(Path file, BufferedImage target, Consumer<BufferedImage> sink) {
    int n = 0;
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toString());
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      grabber.start();
      Frame frame;
      while ((frame = grabber.grabImage()) != null) {
        if (frame.image == null) {
          continue;
        }
        BufferedImage decoded = converter.convert(frame);
        Graphics2D g = target.createGraphics();
        try {
          g.setRenderingHint(
              RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
          g.drawImage(decoded, 0, 0, target.getWidth(), target.getHeight(), null);
        } finally {
          g.dispose();
        }
        sink.accept(target);
        n++;
      }
    } catch (FrameGrabber.Exception e) {
      throw new IngestException("cannot decode video '" + file + "': " + e.getMessage(), e);
    }
    return n;
  }
}
