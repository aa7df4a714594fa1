package io.oad.ingest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * One opened video source (file or stream) read frame by frame through FFmpeg. Every failure
 * becomes an {@link IngestException} naming the source. Not thread-safe.
 */
final class VideoSource implements AutoCloseable {
  static {
    FfmpegLogging.quiet();
  }

  private static final Pattern FFMPEG_ERROR =
      Pattern.compile("(?:^|\\s)(\\w+)\\(\\) error (-?\\d+)");

  /** Linux errno of a timed-out operation; FFmpeg reports it negated. */
  private static final int ETIMEDOUT = 110;

  private final String source;
  private final FFmpegFrameGrabber grabber;

  private VideoSource(String source, FFmpegFrameGrabber grabber) {
    this.source = source;
    this.grabber = grabber;
  }

  /**
   * Opens a source and checks that it has a video stream.
   *
   * @param socketTimeoutMs how long connecting may take (stream sources)
   * @param stallTimeoutMs how long one read may wait for data before FFmpeg gives up with a timeout
   *     error (stream sources): that is how a stalled connection is noticed, since a read blocked
   *     in FFmpeg cannot safely be interrupted from another thread
   * @throws IngestException if it is missing, unreachable, not a video or has no video stream
   */
  static VideoSource open(String source, int socketTimeoutMs, int stallTimeoutMs) {
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(location(source));
    String scheme = IngestOptions.scheme(source);
    long readTimeoutUs = Math.min(socketTimeoutMs, stallTimeoutMs) * 1000L;
    if (scheme != null && scheme.startsWith("rtsp")) {
      grabber.setOption("rtsp_transport", "tcp");
      // FFmpeg >= 5: socket I/O timeout for RTSP, in microseconds
      grabber.setOption("timeout", Long.toString(readTimeoutUs));
    } else if (scheme != null && scheme.startsWith("http")) {
      // read timeout of the connection, in microseconds; JavaCV then reports the end of the stream
      grabber.setOption("rw_timeout", Long.toString(readTimeoutUs));
    }
    if (IngestOptions.isStream(source)) {
      grabber.setTimeout(socketTimeoutMs);
    }
    try {
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      closeQuietly(grabber);
      throw new IngestException("cannot read video '" + source + "': " + describe(e), e);
    }
    if (!grabber.hasVideo() || grabber.getImageWidth() <= 0) {
      closeQuietly(grabber);
      throw new IngestException("cannot read video '" + source + "': it has no video stream");
    }
    return new VideoSource(source, grabber);
  }

  /** The next decoded image (BGR), or {@code null} at the end of the source. */
  Frame grab() {
    try {
      Frame frame = grabber.grabImage();
      return frame == null || frame.image == null ? null : frame;
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new IngestException("cannot decode video '" + source + "': " + describe(e), e);
    }
  }

  /** Frame rate the container declares, or 0 if unknown. */
  double frameRate() {
    double rate = grabber.getFrameRate();
    return Double.isFinite(rate) && rate > 0 ? rate : 0;
  }

  /** Duration of one frame in microseconds, from the declared rate (25 fps if unknown). */
  long frameDurationUs() {
    double rate = frameRate();
    return Math.round(1_000_000.0 / (rate > 0 ? rate : 25.0));
  }

  /** Number of frames the container announces; 0 or less when unknown (streams). */
  long lengthInFrames() {
    return grabber.getLengthInVideoFrames();
  }

  String source() {
    return source;
  }

  @Override
  public void close() {
    closeQuietly(grabber);
  }

  /** Turns a file path or {@code file:} URL into what FFmpeg opens; checks local files exist. */
  private static String location(String source) {
    if (IngestOptions.isStream(source)) {
      return source;
    }
    Path path;
    try {
      path = source.startsWith("file:") ? Path.of(URI.create(source)) : Path.of(source);
    } catch (RuntimeException e) {
      throw new IngestException(
          "cannot read video '" + source + "': not a valid path (" + e.getMessage() + ")", e);
    }
    if (!Files.exists(path)) {
      throw new IngestException("cannot read video '" + source + "': file not found");
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IngestException("cannot read video '" + source + "': not a readable file");
    }
    return path.toAbsolutePath().toString();
  }

  /** Whether an exception says that a read timed out (FFmpeg's {@code AVERROR(ETIMEDOUT)}). */
  static boolean isTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null) {
        Matcher m = FFMPEG_ERROR.matcher(message);
        if (m.find() && Integer.parseInt(m.group(2)) == -ETIMEDOUT) {
          return true;
        }
        if (message.contains("Connection timed out")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The cause in words: JavaCV's messages carry FFmpeg's numeric error code (e.g. {@code -111}),
   * which {@code av_strerror} turns into text such as "Connection refused".
   */
  static String describe(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    Matcher m = FFMPEG_ERROR.matcher(message);
    if (m.find()) {
      int code = Integer.parseInt(m.group(2));
      byte[] buffer = new byte[256];
      if (avutil.av_strerror(code, buffer, buffer.length) == 0) {
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
          end++;
        }
        String text = new String(buffer, 0, end, StandardCharsets.UTF_8).trim();
        return text + " (FFmpeg error " + code + " in " + m.group(1) + "())";
      }
    }
    return message;
  }

  private static void closeQuietly(FFmpegFrameGrabber grabber) {
    try {
      grabber.close();
    } catch (FrameGrabber.Exception | RuntimeException ignored) {
      // nothing useful to do: the source is being abandoned anyway
    }
  }
}
