package io.oad.extractor;

import java.util.Objects;

/**
 * A frame record that cannot be turned into an embedding. The {@link Reason} is a short stable code
 * (used as a metric label and at the start of the dead-letter reason); the message adds detail.
 */
public final class BadFrameException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a frame was refused. Codes are stable: dashboards and alerts use them. */
  public enum Reason {
    /** The record has no key, so no camera. */
    MISSING_KEY("missing-key"),
    /** The record value is null or has no bytes. */
    EMPTY("empty"),
    /**
     * A header is present but not a valid number, a negative sequence, or a content type naming the
     * other accepted format than the value's; or the record has no timestamp and no capture-time
     * header.
     */
    BAD_HEADER("bad-header"),
    /**
     * The value is neither a JPEG nor a PNG (by its first bytes, e.g. GIF, BMP, WebP, TIFF, HEIF,
     * AVIF, JPEG 2000, JPEG XL), or the content type names another format.
     */
    UNSUPPORTED_IMAGE("unsupported-image"),
    /**
     * Width or height (in the headers or the image itself) is not in 1..{@value
     * FrameDecoder#MAX_SIDE}.
     */
    ABSURD_DIMENSIONS("absurd-dimensions"),
    /** The image's size differs from the size the headers announce. */
    DIMENSION_MISMATCH("dimension-mismatch"),
    /** The JPEG or PNG starts correctly but cannot be decoded completely. */
    CORRUPT("corrupt"),
    /** The backbone failed on this frame alone or produced a vector the contract refuses. */
    EMBEDDING_FAILED("embedding-failed"),
    /** The key breaks the contract's camera-id rule ({@link io.oad.contract.CameraIds}). */
    BAD_CAMERA_ID("bad-camera-id"),
    /**
     * The capture time is negative or further ahead of the clock than the tolerance ({@link
     * io.oad.contract.CaptureTimes}).
     */
    BAD_CAPTURE_TIME("bad-capture-time"),
    /** The frame has more pixels than the extractor decodes (a decompression bomb). */
    TOO_MANY_PIXELS("too-many-pixels"),
    /** An output record for this frame was refused by the broker as too large. */
    TOO_LARGE("too-large");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable short code, e.g. {@code unsupported-image}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  /** Creates the exception; {@code detail} says what exactly was wrong. */
  public BadFrameException(Reason reason, String detail) {
    super(Objects.requireNonNull(reason, "reason").code() + ": " + detail);
    this.reason = reason;
  }

  /** Creates the exception with the underlying cause. */
  public BadFrameException(Reason reason, String detail, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason").code() + ": " + detail, cause);
    this.reason = reason;
  }

  /** The reason category. */
  public Reason reason() {
    return reason;
  }
}
