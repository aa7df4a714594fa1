package io.oad.ingest;

import java.time.Duration;

/**
 * What one {@link VideoIngestor#run} did.
 *
 * @param cameraId the camera the frames were published for
 * @param framesRead frames decoded from the sources
 * @param framesPublished frames acknowledged by the producer
 * @param wallTime how long the run took
 * @param videoTime how much video (capture time) the run covered
 */
public record IngestResult(
    String cameraId, long framesRead, long framesPublished, Duration wallTime, Duration videoTime) {

  /** Validates the counts. */
  public IngestResult {
    if (framesRead < 0 || framesPublished < 0) {
      throw new IllegalArgumentException("frame counts must be >= 0");
    }
  }

  /** Frames dropped by sampling (read but not published). */
  public long framesSkipped() {
    return Math.max(0, framesRead - framesPublished);
  }

  /** How many times faster than real time the video was processed. */
  public double speedFactor() {
    return wallTime.isZero()
        ? Double.POSITIVE_INFINITY
        : (double) videoTime.toNanos() / wallTime.toNanos();
  }
}
