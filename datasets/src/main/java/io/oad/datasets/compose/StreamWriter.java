package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Writes BGR images as a constant-frame-rate, intra-only video: one encoded frame per image, no
 * frame dropped or duplicated, bit-exact flags set so that equal input gives equal bytes.
 */
final class StreamWriter implements AutoCloseable {
  static {
    FfmpegQuiet.apply();
  }

  private final Path file;
  private final FFmpegFrameRecorder recorder;
  private final Java2DFrameConverter converter = new Java2DFrameConverter();
  private int written;

  StreamWriter(Path file, int width, int height, double fps, StreamCodec codec) {
    this.file = file;
    recorder = new FFmpegFrameRecorder(file.toString(), width, height, 0);
    recorder.setFormat(codec.extension());
    recorder.setVideoCodec(codec.codecId());
    recorder.setFrameRate(fps);
    recorder.setGopSize(1);
    // no encoder version strings or random ids in the output
    recorder.setOption("fflags", "+bitexact");
    recorder.setVideoOption("flags", "+bitexact");
    recorder.setVideoOption("threads", "1");
    if (codec == StreamCodec.MJPEG) {
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
      recorder.setVideoQuality(1); // qscale 1: the best JPEG quality
    } else {
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    }
    try {
      recorder.start();
    } catch (FrameRecorder.Exception | RuntimeException e) {
      closeQuietly();
      throw new IngestException("cannot open '" + file + "' for writing: " + e.getMessage(), e);
    }
  }

  /** Encodes one frame at the next frame time. */
  void write(BufferedImage image) {
    try {
      recorder.record(converter.convert(image));
      written++;
    } catch (FrameRecorder.Exception | RuntimeException e) {
      throw new IngestException("cannot write frame " + written + " to '" + file + "': " + e, e);
    }
  }

  /** Frames written so far. */
  int written() {
    return written;
  }

  @Override
  public void close() {
    try {
      recorder.stop();
      recorder.release();
    } catch (FrameRecorder.Exception e) {
      throw new IngestException("cannot finish '" + file + "': " + e.getMessage(), e);
    } finally {
      converter.close();
    }
  }

  private void closeQuietly() {
    try {
      recorder.release();
    } catch (FrameRecorder.Exception | RuntimeException ignored) {
      // already failing; the original error is reported
    }
    converter.close();
  }

  /**
   * Decodes a written file and checks its frame count and size.
   *
   * @throws IngestException if they differ from what was written
   */
  static void verify(Path file, int frames, int width, int height) {
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toString())) {
      grabber.start();
      if (grabber.getImageWidth() != width || grabber.getImageHeight() != height) {
        throw new IngestException(
            file
                + " reads back as "
                + grabber.getImageWidth()
                + "x"
                + grabber.getImageHeight()
                + ", written "
                + width
                + "x"
                + height);
      }
      int n = 0;
      Frame frame;
      while ((frame = grabber.grabImage()) != null) {
        if (frame.image != null) {
          n++;
        }
      }
      if (n != frames) {
        throw new IngestException(file + " reads back " + n + " frames, written " + frames);
      }
    } catch (FrameGrabber.Exception e) {
      throw new IngestException("cannot read back '" + file + "': " + e.getMessage(), e);
    }
  }
}
