package io.oad.topology.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A camera's window bookkeeping, stored under {@link WindowKey#META}: how many steps were seen
 * since the stream (re)started, the last processed sequence, and the window length and step
 * dimension the ring buffer was written with (a different model resets it).
 *
 * @param stepsSeen steps processed since the stream (re)started, at least 1
 * @param lastSequence sequence number of the last processed embedding
 * @param window ring-buffer length T
 * @param dimension length of each stored step
 */
public record WindowMeta(long stepsSeen, long lastSequence, int window, int dimension) {
  /** Encoding version. */
  public static final byte VERSION = 1;

  private static final int BYTES = 1 + 8 + 8 + 4 + 4;

  /** Validates the fields. */
  public WindowMeta {
    if (stepsSeen < 1 || lastSequence < 0 || window < 1 || dimension < 1) {
      throw new IllegalArgumentException(
          "invalid window metadata: stepsSeen="
              + stepsSeen
              + ", lastSequence="
              + lastSequence
              + ", window="
              + window
              + ", dimension="
              + dimension);
    }
  }

  /** Metadata after the first step of a (re)started stream. */
  public static WindowMeta first(long sequence, int window, int dimension) {
    return new WindowMeta(1, sequence, window, dimension);
  }

  /** Metadata after one more step. */
  public WindowMeta next(long sequence) {
    return new WindowMeta(stepsSeen + 1, sequence, window, dimension);
  }

  /** Ring-buffer slot of the newest step. */
  public int newestSlot() {
    return (int) ((stepsSeen - 1) % window);
  }

  /** Number of steps held: min(stepsSeen, window). */
  public int held() {
    return (int) Math.min(stepsSeen, window);
  }

  /** Whether the ring buffer was written for this window length and dimension. */
  public boolean fits(int window, int dimension) {
    return this.window == window && this.dimension == dimension;
  }

  /** Little endian: version, stepsSeen, lastSequence, window, dimension. */
  public byte[] encode() {
    return ByteBuffer.allocate(BYTES)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(VERSION)
        .putLong(stepsSeen)
        .putLong(lastSequence)
        .putInt(window)
        .putInt(dimension)
        .array();
  }

  /**
   * Reads {@link #encode()}'s output.
   *
   * @throws SerializationException if malformed
   */
  public static WindowMeta decode(byte[] data) {
    if (data.length != BYTES) {
      throw new SerializationException(
          "window metadata has " + data.length + " bytes, expected " + BYTES);
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      byte version = b.get();
      if (version != VERSION) {
        throw new SerializationException(
            "unknown window metadata version " + version + " (expected " + VERSION + ")");
      }
      return new WindowMeta(b.getLong(), b.getLong(), b.getInt(), b.getInt());
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new SerializationException("malformed window metadata: " + e.getMessage(), e);
    }
  }
}
