package io.oad.topology;

import io.oad.contract.CaptureTimes;

/**
 * Bounds the detector puts on hostile input and on its own state and output (issue 13).
 *
 * @param maxCaptureAheadMs how far ahead of the wall clock an embedding's capture time may be;
 *     later (and negative) capture times are dead-lettered before they touch any state, so they can
 *     never re-anchor a camera's step grid
 * @param cameraRetentionMs wall-clock silence after which a camera is removed from every store
 *     (tombstones in the changelogs); must exceed the camera offline time
 * @param maxRecordBytes largest output or dead-letter record the detector sends (key, value and
 *     headers); larger predictions or events are dead-lettered as stubs, larger dead-letter copies
 *     become stubs
 */
public record DetectLimits(long maxCaptureAheadMs, long cameraRetentionMs, int maxRecordBytes) {
  /** Default retention: one day. */
  public static final long DEFAULT_CAMERA_RETENTION_MS = 24L * 60 * 60 * 1000;

  /** Default record bound: 512 KiB, half the producer's default {@code max.request.size}. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 512 * 1024;

  /** Smallest record bound: a stub dead letter must still fit. */
  public static final int MIN_MAX_RECORD_BYTES = 8 * 1024;

  /** Validates the fields. */
  public DetectLimits {
    if (maxCaptureAheadMs < 0) {
      throw new IllegalArgumentException(
          "maxCaptureAheadMs must be >= 0, got " + maxCaptureAheadMs);
    }
    if (cameraRetentionMs < 1) {
      throw new IllegalArgumentException(
          "cameraRetentionMs must be >= 1, got " + cameraRetentionMs);
    }
    if (maxRecordBytes < MIN_MAX_RECORD_BYTES) {
      throw new IllegalArgumentException(
          "maxRecordBytes must be >= " + MIN_MAX_RECORD_BYTES + ", got " + maxRecordBytes);
    }
  }

  /** One minute ahead, one day of retention, 512 KiB records. */
  public static DetectLimits defaults() {
    return new DetectLimits(
        CaptureTimes.DEFAULT_MAX_AHEAD_MS, DEFAULT_CAMERA_RETENTION_MS, DEFAULT_MAX_RECORD_BYTES);
  }

  /** A copy with another retention. */
  public DetectLimits withCameraRetentionMs(long ms) {
    return new DetectLimits(maxCaptureAheadMs, ms, maxRecordBytes);
  }
}
