package io.oad.contract;

import java.nio.charset.StandardCharsets;

/**
 * The camera-id rule of the wire contract. A camera id is the key of every record on every topic,
 * so it ends up in outputs (predictions carry it, dead letters copy it), state-store keys, metric
 * labels and logs; an unbounded id would let one record make every downstream record too large.
 *
 * <p>The rule: a camera id is 1 to {@value #MAX_BYTES} bytes of UTF-8 made only of the characters
 * {@code A-Z a-z 0-9 . _ : @ / -} (so, in practice, 1 to {@value #MAX_BYTES} ASCII characters). A
 * record whose key breaks it is refused by every stage: ingest will not publish it, the extractor
 * and the detector dead-letter it with the reason from {@link #violation}. Ids are compared exactly
 * (case-sensitive).
 */
public final class CameraIds {
  /** Longest camera id in UTF-8 bytes. */
  public static final int MAX_BYTES = 128;

  /** The allowed characters, as a human-readable set. */
  public static final String ALLOWED = "A-Z a-z 0-9 . _ : @ / -";

  /** Characters of an id shown in a reason or log line at most. */
  private static final int SHOWN_CHARS = 40;

  private CameraIds() {}

  /** Whether {@code id} satisfies the rule. */
  public static boolean isValid(String id) {
    return violation(id) == null;
  }

  /**
   * Why {@code id} breaks the rule, or {@code null} when it is valid. The reason is short (under
   * 200 characters) however large the id, and starts with {@code camera id}.
   */
  public static String violation(String id) {
    if (id == null) {
      return "camera id is missing (the record has no key)";
    }
    if (id.isEmpty()) {
      return "camera id is empty";
    }
    if (id.length() > MAX_BYTES) {
      // every allowed character is one byte, so a longer string is too long whatever it holds
      return "camera id "
          + printable(id)
          + " is longer than "
          + MAX_BYTES
          + " bytes ("
          + ALLOWED
          + ")";
    }
    for (int i = 0; i < id.length(); ) {
      int c = id.codePointAt(i);
      if (!allowed(c)) {
        return "camera id "
            + printable(id)
            + " holds "
            + describe(c)
            + " at index "
            + i
            + "; allowed: "
            + ALLOWED;
      }
      i += Character.charCount(c);
    }
    return null;
  }

  /**
   * Returns {@code id} when it is valid.
   *
   * @throws ContractException with the {@link #violation} as message otherwise
   */
  public static String require(String id) {
    String violation = violation(id);
    if (violation != null) {
      throw new ContractException(violation);
    }
    return id;
  }

  /**
   * A short form of any id for logs and reasons: at most 40 characters of it, characters outside
   * the rule shown as {@code ?}, and the id's size in bytes appended when it was cut.
   */
  public static String printable(String id) {
    if (id == null) {
      return "null";
    }
    StringBuilder shown = new StringBuilder();
    int end = Math.min(id.length(), SHOWN_CHARS);
    for (int i = 0; i < end; i++) {
      char c = id.charAt(i);
      shown.append(allowed(c) ? c : '?');
    }
    if (end < id.length()) {
      shown.append("... (").append(id.getBytes(StandardCharsets.UTF_8).length).append(" bytes)");
    }
    return shown.toString();
  }

  private static boolean allowed(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == ':'
        || c == '@'
        || c == '/'
        || c == '-';
  }

  private static String describe(int c) {
    String code = String.format("U+%04X", c);
    return c >= 0x20 && c < 0x7F ? "'" + (char) c + "' (" + code + ")" : code;
  }
}
