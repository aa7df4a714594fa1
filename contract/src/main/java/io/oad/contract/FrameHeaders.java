package io.oad.contract;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Header names carried by records on {@link Topics#FRAMES}. Values are ASCII decimal strings so
 * that any Kafka tool shows them readably.
 */
public final class FrameHeaders {
  /** Per-camera sequence number of the frame, starting at 0 when a camera (re)starts. */
  public static final String SEQUENCE = "oad.seq";

  /** Image width in pixels. */
  public static final String WIDTH = "oad.width";

  /** Image height in pixels. */
  public static final String HEIGHT = "oad.height";

  /** MIME type of the value, {@value #JPEG} for now. */
  public static final String CONTENT_TYPE = "content-type";

  /** The only content type defined so far. */
  public static final String JPEG = "image/jpeg";

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
    Header h = headers.lastHeader(name);
    if (h == null || h.value() == null) {
      throw new ContractException("missing header " + name);
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
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
