package io.oad.extractor;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers the last decoded frame of each camera so that the next frame can be embedded with it.
 * The previous frame is given only when the new frame's sequence number is exactly one more than
 * the remembered one; a gap, a repeat or a restart of the camera's numbering gives {@code null}. At
 * most {@code maxCameras} cameras are kept; the least recently seen is forgotten first.
 *
 * <p>The service and offline feature extraction use this same rule, so that they compute the same
 * embeddings. Not thread-safe.
 */
public final class PreviousFrames {
  /** Default number of cameras remembered. */
  public static final int DEFAULT_MAX_CAMERAS = 10_000;

  private record Last(long sequence, BufferedImage image) {}

  private final int maxCameras;
  private final Map<String, Last> last;

  /** Remembers up to {@value #DEFAULT_MAX_CAMERAS} cameras. */
  public PreviousFrames() {
    this(DEFAULT_MAX_CAMERAS);
  }

  /**
   * @param maxCameras cameras remembered at most, at least 1
   */
  public PreviousFrames(int maxCameras) {
    if (maxCameras < 1) {
      throw new IllegalArgumentException("maxCameras must be at least 1: " + maxCameras);
    }
    this.maxCameras = maxCameras;
    this.last =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Last> eldest) {
            return size() > PreviousFrames.this.maxCameras;
          }
        };
  }

  /**
   * Pairs a camera's new frame with its previous one (when consecutive) and remembers the new one.
   *
   * @param camera the camera id (record key)
   * @param sequence the frame's per-camera sequence number
   * @param current the decoded frame
   */
  public FrameInput next(String camera, long sequence, BufferedImage current) {
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(current, "current");
    Last before = last.put(camera, new Last(sequence, current));
    BufferedImage previous =
        before != null && before.sequence() == sequence - 1 ? before.image() : null;
    return new FrameInput(current, previous);
  }

  /** Number of cameras remembered. */
  public int size() {
    return last.size();
  }
}
