package io.oad.contract;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Header names carried by records on {@link Topics#FRAMES}. Values are ASCII decimal strings so
 * that any Kafka tool shows them readably.
 *
 * <p>A frame record needs only a key (the camera id, {@link CameraIds}) and a value (the encoded
 * image: JPEG or PNG, recognised by its magic bytes). Every header is optional, so that kcat, a
 * librdkafka client or an FFmpeg/GStreamer pipeline can publish frames as they are. What happens
 * without each one:
 *
 * <ul>
 *   <li>{@link #SEQUENCE} absent: the record's offset in its partition is the sequence number. It
 *       increases per camera (a camera's records share a partition), which is all the detector
 *       needs; a publisher that restarts simply continues with higher offsets. Our ingest sends the
 *       header and starts it at 0 when a camera (re)starts, which the detector treats as a restart.
 *       Without the header, a frame is paired with the camera's previous frame (for motion) when it
 *       is the camera's previous record on the partition, as read by the same extractor.
 *   <li>{@link #CAPTURE_TIME} absent: the record timestamp is the capture time (what our ingest
 *       sets; a producer that sets none gets the time of sending).
 *   <li>{@link #WIDTH} and {@link #HEIGHT} absent: the size is read from the image's own header
 *       (JPEG SOF segment, PNG IHDR chunk) before any pixel is decoded.
 *   <li>{@link #CONTENT_TYPE} absent: the format is recognised from the value's first bytes.
 * </ul>
 *
 * <p>A header that is present is checked as before: a sequence that is negative or not a number, a
 * width or height that differs from the image's own, a capture time that breaks {@link
 * CaptureTimes}, or a content type other than {@value #JPEG}, {@value #PNG} or {@value
 * #OCTET_STREAM} (or naming the other of the two formats) gets the frame dead-lettered. Values that
 * are neither JPEG nor PNG (GIF, BMP, WebP, TIFF, HEIF/AVIF, JPEG 2000, JPEG XL, raw pixels, ...)
 * are dead-lettered with reason {@code unsupported-image}, naming the format when it is recognised
 * (e.g. {@code unsupported-image: GIF (only JPEG and PNG)}). A JPEG whose only defect is a missing
 * final end-of-image marker is accepted: that is what cutting an MJPEG stream at that marker leaves
 * ({@code ffmpeg -f image2pipe -c:v mjpeg - | kcat -P -D '\xff\xd9' ...}). Images with more pixels
 * than the extractor's bound, by their own header, are refused before decoding ({@code
 * too-many-pixels}), PNG as JPEG.
 */
public final class FrameHeaders {
  /**
   * Per-camera sequence number of the frame, starting at 0 when a camera (re)starts. Optional:
   * without it, the record's partition offset.
   */
  public static final String SEQUENCE = "oad.seq";

  /** Image width in pixels. Optional: without it, the width in the image's own header. */
  public static final String WIDTH = "oad.width";

  /** Image height in pixels. Optional: without it, the height in the image's own header. */
  public static final String HEIGHT = "oad.height";

  /**
   * Capture time in milliseconds since the epoch, for publishers that cannot set the record
   * timestamp (kcat, for one). Optional: without it, the record timestamp is the capture time.
   */
  public static final String CAPTURE_TIME = "oad.capture-ms";

  /** MIME type of the value: {@value #JPEG} or {@value #PNG}. Optional: sniffed when absent. */
  public static final String CONTENT_TYPE = "content-type";

  /** Content type of a JPEG value (what our ingest sends). */
  public static final String JPEG = "image/jpeg";

  /** Content type of a PNG value. */
  public static final String PNG = "image/png";

  /** A content type that says nothing: the value's format is sniffed as without the header. */
  public static final String OCTET_STREAM = "application/octet-stream";

  private FrameHeaders() {}

  /** Adds (replacing) a header holding a decimal number. */
  public static void putLong(Headers headers, String name, long value) {
    headers.remove(name);
    headers.add(name, Long.toString(value).getBytes(StandardCharsets.US_ASCII));
  }

  /** Adds (replacing) a text header. */
  public static void putString(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a decimal header.
   *
   * @throws ContractException if the header is absent or not a number
   */
  public static long getLong(Headers headers, String name) {
    Long value = getOptionalLong(headers, name);
    if (value == null) {
      throw new ContractException("missing header " + name);
    }
    return value;
  }

  /**
   * Reads an optional decimal header: {@code null} when {@code headers} is null or the header is
   * absent (or has no value).
   *
   * @throws ContractException if the header is present but not a number
   */
  public static Long getOptionalLong(Headers headers, String name) {
    Header h = headers == null ? null : headers.lastHeader(name);
    if (h == null || h.value() == null) {
      return null;
    }
    String text = new String(h.value(), StandardCharsets.US_ASCII).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ContractException("header " + name + " is not a number: '" + text + "'");
    }
  }

  /** Reads a text header, or {@code null} when absent. */
  public static String getString(Headers headers, String name) {
    Header h = headers == null ? null : headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
