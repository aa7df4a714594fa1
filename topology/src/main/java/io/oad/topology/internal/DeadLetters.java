package io.oad.topology.internal;

import io.oad.contract.CaptureTimes;
import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.FrameHeaders;
import io.oad.topology.DetectLimits;
import io.oad.topology.DetectorMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Shared by the exception handlers: rebuilds the dead-letter records that Kafka Streams built
 * (KIP-1034: the source record's raw key, value and headers plus its own {@code __streams.errors.*}
 * headers) with the wire contract's {@link DeadLetterHeaders}, bounded so that a dead letter always
 * fits the broker whatever the refused record held:
 *
 * <ul>
 *   <li>the reason is cut to {@link DeadLetterHeaders#MAX_REASON_BYTES}, Kafka Streams' exception
 *       message header to the same, its stack trace header to {@value #MAX_STACKTRACE_BYTES};
 *   <li>a copied header whose name exceeds {@value #MAX_HEADER_NAME_BYTES} bytes or whose value
 *       exceeds {@value #MAX_HEADER_VALUE_BYTES} bytes is left out, as are headers beyond {@value
 *       #MAX_HEADER_BYTES} bytes in all; {@link DeadLetterHeaders#HEADERS_DROPPED} counts them;
 *   <li>a key longer than {@link DeadLetterHeaders#MAX_KEY_BYTES} is cut, {@link
 *       DeadLetterHeaders#KEY_TRUNCATED} giving its size;
 *   <li>when key, value and headers exceed the record bound ({@link DetectLimits#maxRecordBytes()},
 *       passed as {@link #MAX_RECORD_BYTES_CONFIG}), the value is left out: a stub whose {@link
 *       DeadLetterHeaders#VALUE_DROPPED} gives the value's size.
 * </ul>
 *
 * Also finds the {@link DetectorMetrics} passed through the config.
 */
public final class DeadLetters {
  /** Stage name written to {@link DeadLetterHeaders#STAGE}. */
  public static final String STAGE = "detect";

  /**
   * Config key under which a {@link DetectorMetrics} instance (not a string) may be passed to the
   * handlers; absent means the handlers count nothing.
   */
  public static final String METRICS_CONFIG = "oad.detector.metrics";

  /**
   * Config key of the record bound (an int, bytes) passed to the handlers; absent means {@link
   * DetectLimits#DEFAULT_MAX_RECORD_BYTES}.
   */
  public static final String MAX_RECORD_BYTES_CONFIG = "oad.detector.max.record.bytes";

  /** Most bytes of copied header names and values on a dead letter. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Longest copied header value in bytes. */
  static final int MAX_HEADER_VALUE_BYTES = 1024;

  /** Longest copied header name in bytes. */
  static final int MAX_HEADER_NAME_BYTES = 128;

  /** Longest copy of Kafka Streams' stack trace header. */
  static final int MAX_STACKTRACE_BYTES = 4 * 1024;

  private static final String STREAMS_HEADER_PREFIX = "__streams.errors.";
  private static final String STREAMS_STACKTRACE = "__streams.errors.stacktrace";

  /** Bytes reserved for the dead-letter headers added here and the record's framing. */
  private static final int OWN_BYTES = DeadLetterHeaders.MAX_REASON_BYTES + 1024;

  private DeadLetters() {}

  /**
   * The records Kafka Streams built, each rebuilt bounded with the contract's headers.
   *
   * @param keepTimestamp false when the record's timestamp is what was refused (a broker refuses
   *     timestamps too far ahead): the dead letter then takes the producer's time, as it does
   *     whenever the timestamp is negative or more than a minute ahead of this host's clock
   */
  public static List<ProducerRecord<byte[], byte[]>> bounded(
      List<ProducerRecord<byte[], byte[]>> records,
      ErrorHandlerContext context,
      String reason,
      boolean keepTimestamp,
      int maxRecordBytes) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
    for (ProducerRecord<byte[], byte[]> r : records) {
      out.add(bounded(r, context, reason, keepTimestamp, maxRecordBytes));
    }
    return out;
  }

  private static ProducerRecord<byte[], byte[]> bounded(
      ProducerRecord<byte[], byte[]> r,
      ErrorHandlerContext context,
      String reason,
      boolean keepTimestamp,
      int maxRecordBytes) {
    Headers headers = new RecordHeaders();
    int dropped = 0;
    int budget = MAX_HEADER_BYTES;
    for (Header h : r.headers()) {
      String name = h.key();
      byte[] value = h.value();
      if (name.startsWith(STREAMS_HEADER_PREFIX) && value != null) {
        int max =
            name.equals(STREAMS_STACKTRACE)
                ? MAX_STACKTRACE_BYTES
                : DeadLetterHeaders.MAX_REASON_BYTES;
        headers.add(name, cutBytes(value, max));
        continue;
      }
      int nameBytes = utf8Length(name);
      int valueBytes = value == null ? 0 : value.length;
      if (nameBytes > MAX_HEADER_NAME_BYTES
          || valueBytes > MAX_HEADER_VALUE_BYTES
          || nameBytes + valueBytes > budget
          || name.startsWith("oad.dlq.")) {
        dropped++;
        continue;
      }
      budget -= nameBytes + valueBytes;
      headers.add(h);
    }
    if (dropped > 0) {
      FrameHeaders.putLong(headers, DeadLetterHeaders.HEADERS_DROPPED, dropped);
    }
    byte[] key = putCommon(headers, context, reason, r.key());
    byte[] value = r.value();
    long size = OWN_BYTES + length(key) + length(value) + headerBytes(headers);
    if (value != null && size > maxRecordBytes) {
      FrameHeaders.putLong(headers, DeadLetterHeaders.VALUE_DROPPED, value.length);
      value = null;
    }
    Long timestamp = r.timestamp();
    if (!keepTimestamp
        || timestamp == null
        || CaptureTimes.violation(
                timestamp, System.currentTimeMillis(), CaptureTimes.DEFAULT_MAX_AHEAD_MS)
            != null) {
      // a broker refuses timestamps too far ahead (message.timestamp.after.max.ms): such a dead
      // letter takes the producer's time
      timestamp = null;
    }
    return new ProducerRecord<>(r.topic(), null, timestamp, key, value, headers);
  }

  /**
   * A small dead letter on {@code topic}: the (possibly cut) key, no value, no copied headers, the
   * dead-letter headers with {@code reason} and {@link DeadLetterHeaders#VALUE_DROPPED} giving the
   * size of the value left out.
   */
  public static ProducerRecord<byte[], byte[]> stub(
      String topic, ErrorHandlerContext context, String reason, byte[] key, long valueBytes) {
    Headers headers = new RecordHeaders();
    byte[] cutKey = putCommon(headers, context, reason, key);
    FrameHeaders.putLong(headers, DeadLetterHeaders.VALUE_DROPPED, valueBytes);
    return new ProducerRecord<>(topic, null, null, cutKey, null, headers);
  }

  /** Adds stage, reason, coordinates and key truncation; returns the key to send. */
  private static byte[] putCommon(
      Headers headers, ErrorHandlerContext context, String reason, byte[] key) {
    FrameHeaders.putString(headers, DeadLetterHeaders.STAGE, STAGE);
    FrameHeaders.putString(
        headers, DeadLetterHeaders.REASON, cut(reason, DeadLetterHeaders.MAX_REASON_BYTES));
    FrameHeaders.putString(
        headers, DeadLetterHeaders.TOPIC, cut(String.valueOf(context.topic()), 256));
    FrameHeaders.putLong(headers, DeadLetterHeaders.PARTITION, context.partition());
    FrameHeaders.putLong(headers, DeadLetterHeaders.OFFSET, context.offset());
    if (key != null && key.length > DeadLetterHeaders.MAX_KEY_BYTES) {
      FrameHeaders.putLong(headers, DeadLetterHeaders.KEY_TRUNCATED, key.length);
      return cutBytes(key, DeadLetterHeaders.MAX_KEY_BYTES);
    }
    return key;
  }

  /**
   * The longest prefix of {@code text} of at most {@code maxBytes} UTF-8 bytes, never splitting a
   * character; text that was cut ends with {@code ...}.
   */
  public static String cut(String text, int maxBytes) {
    return DeadLetterHeaders.cut(text, maxBytes);
  }

  /**
   * {@code bytes} cut to at most {@code maxBytes}, not splitting a UTF-8 sequence (bytes that are
   * not UTF-8 are cut where the bound falls).
   */
  static byte[] cutBytes(byte[] bytes, int maxBytes) {
    if (bytes.length <= maxBytes) {
      return bytes;
    }
    int end = maxBytes;
    // back off continuation bytes (10xxxxxx) so that a multi-byte character is not split
    int back = 0;
    while (end > 0 && back < 3 && (bytes[end] & 0xC0) == 0x80) {
      end--;
      back++;
    }
    byte[] cut = new byte[end];
    System.arraycopy(bytes, 0, cut, 0, end);
    return cut;
  }

  /** The metrics passed under {@link #METRICS_CONFIG}, or {@code null}. */
  public static DetectorMetrics metrics(Map<String, ?> configs) {
    Object m = configs.get(METRICS_CONFIG);
    if (m != null && !(m instanceof DetectorMetrics)) {
      throw new IllegalArgumentException(
          METRICS_CONFIG
              + " must be a "
              + DetectorMetrics.class.getName()
              + ", got "
              + m.getClass());
    }
    return (DetectorMetrics) m;
  }

  /** The record bound passed under {@link #MAX_RECORD_BYTES_CONFIG}, or the default. */
  public static int maxRecordBytes(Map<String, ?> configs) {
    Object v = configs.get(MAX_RECORD_BYTES_CONFIG);
    if (v == null) {
      return DetectLimits.DEFAULT_MAX_RECORD_BYTES;
    }
    int bytes = v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
    return Math.max(DetectLimits.MIN_MAX_RECORD_BYTES, bytes);
  }

  /** The reason of {@code e} as written to {@link DeadLetterHeaders#REASON}. */
  static String reason(Exception e) {
    return e instanceof InvalidEmbeddingException
        ? e.getMessage()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static int utf8Length(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static long headerBytes(Headers headers) {
    long bytes = 0;
    for (Header h : headers) {
      bytes += utf8Length(h.key()) + length(h.value());
    }
    return bytes;
  }
}
