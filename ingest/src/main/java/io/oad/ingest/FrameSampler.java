package io.oad.ingest;

/**
 * Decides which decoded frames to keep so that the output has {@code targetFps} frames per second
 * of capture time, whatever the source's frame rate.
 *
 * <p>Rule: sampling instants lie at {@code j / targetFps} seconds (j = 0, 1, 2, ...). A frame is
 * kept when its time reaches the next instant not yet served; instants skipped over by a slow
 * source are not made up for. So a 25 fps clip of N frames sampled at 4 fps keeps {@code floor((N -
 * 1) * 4 / 25) + 1} frames. Not thread-safe: one per stream.
 */
final class FrameSampler {
  private static final double MICROS_PER_SECOND = 1_000_000.0;

  private final double targetFps;
  private long nextInstant;

  FrameSampler(double targetFps) {
    if (!(targetFps > 0)) {
      throw new IllegalArgumentException("targetFps must be > 0, got " + targetFps);
    }
    this.targetFps = targetFps;
  }

  /**
   * Whether to keep the frame captured at {@code timeUs} (microseconds since the stream's first
   * frame). Times must not decrease for the rule to hold; an earlier time is simply dropped.
   */
  boolean accept(long timeUs) {
    // instant index of this frame's time: how many instants have passed, the current one included
    double position = timeUs * targetFps / MICROS_PER_SECOND;
    if (position < nextInstant) {
      return false;
    }
    nextInstant = (long) Math.floor(position) + 1;
    return true;
  }
}
