package io.oad.contract;

/**
 * Header names on {@link Topics#DEADLETTER}: which stage refused the record, why, and where it came
 * from.
 *
 * <p>A dead letter always fits the broker: the reason is cut to {@value #MAX_REASON_BYTES} bytes,
 * oversized copied headers are left out (counted in {@link #HEADERS_DROPPED}), a key longer than
 * {@value #MAX_KEY_BYTES} bytes is cut (its original size in {@link #KEY_TRUNCATED}), and when the
 * original value cannot be sent the record is a stub without value ({@link #VALUE_DROPPED} gives
 * the value's size) that still names the source topic, partition and offset.
 */
public final class DeadLetterHeaders {
  /** Stage that refused the record: {@code ingest}, {@code extract}, {@code detect}. */
  public static final String STAGE = "oad.dlq.stage";

  /** Human-readable reason. */
  public static final String REASON = "oad.dlq.reason";

  /** Source topic of the refused record. */
  public static final String TOPIC = "oad.dlq.topic";

  /** Source partition of the refused record. */
  public static final String PARTITION = "oad.dlq.partition";

  /** Source offset of the refused record. */
  public static final String OFFSET = "oad.dlq.offset";

  /**
   * Present when the key was cut to {@value #MAX_KEY_BYTES} bytes: the original key's size in
   * bytes.
   */
  public static final String KEY_TRUNCATED = "oad.dlq.key-truncated";

  /** Present when headers of the source record were left out: how many. */
  public static final String HEADERS_DROPPED = "oad.dlq.headers-dropped";

  /**
   * Present on a stub, a dead letter without the original value (it would not fit): the original
   * value's size in bytes.
   */
  public static final String VALUE_DROPPED = "oad.dlq.value-dropped";

  /** Longest {@link #REASON} in UTF-8 bytes. */
  public static final int MAX_REASON_BYTES = 1024;

  /** Longest dead-letter key in UTF-8 bytes; longer keys are cut. */
  public static final int MAX_KEY_BYTES = 256;

  private DeadLetterHeaders() {}

  /**
   * The longest prefix of {@code text} of at most {@code maxBytes} UTF-8 bytes, never splitting a
   * character; text that was cut ends with {@code ...}. Reasons and copied header values of dead
   * letters are cut with it.
   */
  public static String cut(String text, int maxBytes) {
    if (text == null
        || text.length() <= maxBytes / 3
        || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= maxBytes) {
      return text;
    }
    int budget = maxBytes - 3;
    int end = 0;
    int used = 0;
    while (end < text.length()) {
      int c = text.codePointAt(end);
      // a lone surrogate (below 0x10000) is encoded as one '?': counting 3 is on the safe side
      int bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (used + bytes > budget) {
        break;
      }
      used += bytes;
      end += Character.charCount(c);
    }
    return text.substring(0, end) + "...";
  }
}
