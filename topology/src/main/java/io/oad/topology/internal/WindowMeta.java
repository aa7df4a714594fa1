package io.oad.topology.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A camera's step-grid bookkeeping, stored under {@link WindowKey#META} of {@code camera-windows}.
 *
 * <p>Steps {@code 0..openStep-1} are closed (predicted or padded); step {@code openStep} is open
 * and holds, in ring slot {@code openStep % window}, the vector of the frame {@code openSequence}
 * captured at {@code openCaptureMs} (the latest frame of that step so far). {@code openEmitted}
 * says the open step was already predicted by the idle close, so a frame of that step is late.
 * Sequences seen are tracked as the highest one plus a 64-bit mask of the 64 sequences up to it
 * (bit i = {@code highestSequence - i} seen), which detects duplicates without a set.
 *
 * @param openStep grid index of the open step since the stream (re)started
 * @param anchorMs capture time of the first frame after the (re)start; step 0 starts there
 * @param openSequence sequence of the frame that forms the open step
 * @param openCaptureMs capture time of that frame
 * @param openEmitted whether the open step was already predicted (closed by idleness)
 * @param highestSequence highest sequence seen
 * @param seenMask which of the 64 sequences up to {@code highestSequence} were seen
 * @param window ring-buffer length T
 * @param dimension length of each stored step
 */
public record WindowMeta(
    long openStep,
    long anchorMs,
    long openSequence,
    long openCaptureMs,
    boolean openEmitted,
    long highestSequence,
    long seenMask,
    int window,
    int dimension) {
  /** Encoding version; version 1 (one step per frame, before the step grid) is outdated. */
  public static final byte VERSION = 2;

  private static final int BYTES = 1 + 8 + 8 + 8 + 8 + 1 + 8 + 8 + 4 + 4;
  private static final int V1_BYTES = 25;

  /** Validates the fields. */
  public WindowMeta {
    if (openStep < 0 || openSequence < 0 || highestSequence < 0 || window < 1 || dimension < 1) {
      throw new IllegalArgumentException(
          "invalid window metadata: openStep="
              + openStep
              + ", openSequence="
              + openSequence
              + ", highestSequence="
              + highestSequence
              + ", window="
              + window
              + ", dimension="
              + dimension);
    }
  }

  /**
   * Metadata of a stream (re)started by frame {@code sequence} at {@code captureMs}, keeping the
   * sequences already seen ({@code highest}, {@code mask}).
   */
  public static WindowMeta start(
      long sequence, long captureMs, int window, int dimension, long highest, long mask) {
    WindowMeta m =
        new WindowMeta(0, captureMs, sequence, captureMs, false, highest, mask, window, dimension);
    return m.withSeen(sequence);
  }

  /** Metadata of a camera's very first frame (or first after a restart at sequence 0). */
  public static WindowMeta first(long sequence, long captureMs, int window, int dimension) {
    return start(sequence, captureMs, window, dimension, sequence, 0L);
  }

  /** Whether {@code sequence} was seen (only known for the 64 sequences up to the highest). */
  public boolean seen(long sequence) {
    if (sequence > highestSequence) {
      return false;
    }
    long back = highestSequence - sequence;
    return back < 64 && (seenMask & (1L << back)) != 0;
  }

  /** A copy that records {@code sequence} as seen. */
  public WindowMeta withSeen(long sequence) {
    long highest = highestSequence;
    long mask = seenMask;
    if (sequence > highest) {
      long shift = sequence - highest;
      mask = shift >= 64 ? 0L : mask << shift;
      highest = sequence;
    }
    long back = highest - sequence;
    if (back < 64) {
      mask |= 1L << back;
    }
    return new WindowMeta(
        openStep,
        anchorMs,
        openSequence,
        openCaptureMs,
        openEmitted,
        highest,
        mask,
        window,
        dimension);
  }

  /** A copy whose open step is now formed by this frame. */
  public WindowMeta withOpenFrame(long sequence, long captureMs) {
    return new WindowMeta(
        openStep,
        anchorMs,
        sequence,
        captureMs,
        openEmitted,
        highestSequence,
        seenMask,
        window,
        dimension);
  }

  /** A copy whose open step is marked as already predicted. */
  public WindowMeta emitted() {
    return new WindowMeta(
        openStep,
        anchorMs,
        openSequence,
        openCaptureMs,
        true,
        highestSequence,
        seenMask,
        window,
        dimension);
  }

  /** A copy whose open step is {@code step}, formed by this frame and not yet predicted. */
  public WindowMeta openedAt(long step, long sequence, long captureMs) {
    return new WindowMeta(
        step, anchorMs, sequence, captureMs, false, highestSequence, seenMask, window, dimension);
  }

  /** Ring-buffer slot of {@code step}. */
  public int slot(long step) {
    return (int) (step % window);
  }

  /** Steps the window of the open step holds (the open one included): min(openStep + 1, T). */
  public int held() {
    return (int) Math.min(openStep + 1, window);
  }

  /** Whether the ring buffer was written for this window length and dimension. */
  public boolean fits(int window, int dimension) {
    return this.window == window && this.dimension == dimension;
  }

  /** Little endian, fields in declaration order after a version byte. */
  public byte[] encode() {
    return ByteBuffer.allocate(BYTES)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(VERSION)
        .putLong(openStep)
        .putLong(anchorMs)
        .putLong(openSequence)
        .putLong(openCaptureMs)
        .put((byte) (openEmitted ? 1 : 0))
        .putLong(highestSequence)
        .putLong(seenMask)
        .putInt(window)
        .putInt(dimension)
        .array();
  }

  /** Whether {@code data} is metadata of the outdated version 1, which restarts the window. */
  public static boolean isOutdated(byte[] data) {
    return data.length == V1_BYTES && data[0] == 1;
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
      return new WindowMeta(
          b.getLong(),
          b.getLong(),
          b.getLong(),
          b.getLong(),
          b.get() != 0,
          b.getLong(),
          b.getLong(),
          b.getInt(),
          b.getInt());
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new SerializationException("malformed window metadata: " + e.getMessage(), e);
    }
  }
}
