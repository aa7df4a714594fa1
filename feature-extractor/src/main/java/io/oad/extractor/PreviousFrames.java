package io.oad.extractor;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * Remembers the last decoded frame of each camera so that the next frame can be embedded with it.
 * The previous frame is given only when the new frame's sequence number is exactly one more than
 * the remembered one; a gap, a repeat or a restart of the camera's numbering gives {@code null}. At
 * most {@code maxCameras} cameras are kept; the least recently seen is forgotten first.
 *
 * <p>Memory is bounded whatever the cameras send: a frame larger than {@code maxFramePixels} is
 * remembered as a box-averaged copy within that bound (smaller frames, the usual case, are kept as
 * they are, so their embeddings are exact), and cameras are forgotten, least recently seen first,
 * while all remembered frames hold more than {@code maxTotalPixels}.
 *
 * <p>The service and offline feature extraction use this same rule, so that they compute the same
 * embeddings. Not thread-safe.
 */
public final class PreviousFrames {
  /** Default number of cameras remembered. */
  public static final int DEFAULT_MAX_CAMERAS = 10_000;

  /**
   * Default most pixels of a remembered frame: 320 x 240. A larger frame is kept as a box-averaged
   * copy (an integer factor, aspect kept) within this bound, so a camera costs at most about 300
   * kB.
   */
  public static final long DEFAULT_MAX_FRAME_PIXELS = 320L * 240;

  /** Default most pixels remembered over all cameras (about 200 MB as RGB). */
  public static final long DEFAULT_MAX_TOTAL_PIXELS = 64L * 1024 * 1024;

  private record Last(int stream, long sequence, BufferedImage image) {
    long pixels() {
      return (long) image.getWidth() * image.getHeight();
    }
  }

  private final int maxCameras;
  private final long maxFramePixels;
  private final long maxTotalPixels;
  private final LinkedHashMap<String, Last> last = new LinkedHashMap<>(16, 0.75f, true);
  private long pixels;

  /** Remembers up to {@value #DEFAULT_MAX_CAMERAS} cameras. */
  public PreviousFrames() {
    this(DEFAULT_MAX_CAMERAS);
  }

  /**
   * @param maxCameras cameras remembered at most, at least 1
   */
  public PreviousFrames(int maxCameras) {
    this(maxCameras, DEFAULT_MAX_FRAME_PIXELS, DEFAULT_MAX_TOTAL_PIXELS);
  }

  /**
   * @param maxCameras cameras remembered at most, at least 1
   * @param maxFramePixels larger frames are remembered downscaled to within this many pixels
   * @param maxTotalPixels the least recently seen cameras are forgotten while the remembered frames
   *     hold more pixels than this, at least {@code maxFramePixels}
   */
  public PreviousFrames(int maxCameras, long maxFramePixels, long maxTotalPixels) {
    if (maxCameras < 1) {
      throw new IllegalArgumentException("maxCameras must be at least 1: " + maxCameras);
    }
    if (maxFramePixels < 1 || maxTotalPixels < maxFramePixels) {
      throw new IllegalArgumentException(
          "need 1 <= maxFramePixels <= maxTotalPixels: " + maxFramePixels + ", " + maxTotalPixels);
    }
    this.maxCameras = maxCameras;
    this.maxFramePixels = maxFramePixels;
    this.maxTotalPixels = maxTotalPixels;
  }

  /**
   * Pairs a camera's new frame with its previous one (when consecutive) and remembers the new one.
   *
   * @param camera the camera id (record key)
   * @param sequence the frame's per-camera sequence number
   * @param current the decoded frame
   */
  public FrameInput next(String camera, long sequence, BufferedImage current) {
    return next(camera, -1, sequence, sequence - 1, current);
  }

  /**
   * Pairs a camera's new frame with the remembered one when that is of the same {@code stream} with
   * a sequence in {@code earliestPrevious .. sequence - 1}, and remembers the new one. For frames
   * numbered by their partition offset (no sequence header), the stream is the partition and {@code
   * earliestPrevious} the first offset from which the caller has seen every record of the
   * partition: the remembered frame is then the camera's previous record.
   *
   * @param camera the camera id (record key)
   * @param stream where the sequence numbers come from: -1 for the sequence header, else the
   *     partition whose offsets they are
   * @param sequence the frame's per-camera sequence number
   * @param earliestPrevious the lowest sequence the previous frame may have
   * @param current the decoded frame
   */
  public FrameInput next(
      String camera, int stream, long sequence, long earliestPrevious, BufferedImage current) {
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(current, "current");
    Last now = new Last(stream, sequence, downscaled(current));
    Last before = last.put(camera, now);
    pixels += now.pixels() - (before == null ? 0 : before.pixels());
    var eldest = last.entrySet().iterator();
    while ((last.size() > maxCameras || pixels > maxTotalPixels) && eldest.hasNext()) {
      Last forgotten = eldest.next().getValue();
      if (forgotten == now) {
        break;
      }
      pixels -= forgotten.pixels();
      eldest.remove();
    }
    BufferedImage previous =
        before != null
                && before.stream() == stream
                && before.sequence() >= earliestPrevious
                && before.sequence() < sequence
            ? before.image()
            : null;
    return new FrameInput(current, previous);
  }

  /** Forgets a camera's remembered frame (its next frame gets no previous one). */
  public void forget(String camera) {
    Last forgotten = last.remove(camera);
    if (forgotten != null) {
      pixels -= forgotten.pixels();
    }
  }

  /** Pixels held by the remembered frames. */
  public long pixels() {
    return pixels;
  }

  /** {@code image} itself when within the bound, else a box-averaged copy within it. */
  private BufferedImage downscaled(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    if ((long) w * h <= maxFramePixels) {
      return image;
    }
    int f = Math.max(2, (int) Math.ceil(Math.sqrt((double) w * h / maxFramePixels)));
    while ((long) ceilDiv(w, f) * ceilDiv(h, f) > maxFramePixels) {
      f++;
    }
    int ow = ceilDiv(w, f);
    int oh = ceilDiv(h, f);
    BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
    int[] rows = new int[w * f];
    long[] r = new long[ow];
    long[] g = new long[ow];
    long[] b = new long[ow];
    int[] n = new int[ow];
    int[] line = new int[ow];
    for (int oy = 0; oy < oh; oy++) {
      int y0 = oy * f;
      int rowCount = Math.min(f, h - y0);
      image.getRGB(0, y0, w, rowCount, rows, 0, w);
      Arrays.fill(r, 0);
      Arrays.fill(g, 0);
      Arrays.fill(b, 0);
      Arrays.fill(n, 0);
      for (int y = 0; y < rowCount; y++) {
        for (int x = 0; x < w; x++) {
          int p = rows[y * w + x];
          int ox = x / f;
          r[ox] += (p >> 16) & 0xFF;
          g[ox] += (p >> 8) & 0xFF;
          b[ox] += p & 0xFF;
          n[ox]++;
        }
      }
      for (int ox = 0; ox < ow; ox++) {
        int c = n[ox];
        line[ox] =
            (int) ((r[ox] + c / 2) / c) << 16
                | (int) ((g[ox] + c / 2) / c) << 8
                | (int) ((b[ox] + c / 2) / c);
      }
      out.setRGB(0, oy, ow, 1, line, 0, ow);
    }
    return out;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** Number of cameras remembered. */
  public int size() {
    return last.size();
  }
}
