package io.oad.extractor;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.FrameHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the original key, value and headers plus {@link DeadLetterHeaders},
 * bounded so that a dead letter always fits the broker whatever the refused record held:
 *
 * <ul>
 *   <li>the reason is cut to {@link DeadLetterHeaders#MAX_REASON_BYTES};
 *   <li>a copied header whose name exceeds {@value #MAX_HEADER_NAME_BYTES} bytes or whose value
 *       exceeds {@value #MAX_HEADER_VALUE_BYTES} bytes is left out, as are headers beyond {@value
 *       #MAX_HEADER_BYTES} bytes in all; {@link DeadLetterHeaders#HEADERS_DROPPED} counts them;
 *   <li>a key longer than {@link DeadLetterHeaders#MAX_KEY_BYTES} is cut, {@link
 *       DeadLetterHeaders#KEY_TRUNCATED} giving its size;
 *   <li>when the copy would exceed the producer's {@code max.request.size}, or the broker refused
 *       it, a {@link #stub} without value is sent instead.
 * </ul>
 */
final class DeadLetters {
  /** Value of the {@link DeadLetterHeaders#STAGE} header written by this module. */
  static final String STAGE = "extract";

  /** Most bytes of header names and values on a dead letter. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Longest copied header value in bytes. */
  static final int MAX_HEADER_VALUE_BYTES = 1024;

  /** Longest copied header name in bytes. */
  static final int MAX_HEADER_NAME_BYTES = 128;

  /**
   * Bytes kept free for the record's own framing when comparing with {@code max.request.size} (a
   * record batch header and the record's varints take well under this).
   */
  static final int RECORD_OVERHEAD = 1024;

  /** Header bytes of the dead-letter headers themselves, at most. */
  private static final int OWN_HEADER_BYTES = DeadLetterHeaders.MAX_REASON_BYTES + 512;

  private DeadLetters() {}

  /**
   * The dead letter of {@code source}; a {@link #stub} when the copy with its value would be larger
   * than {@code maxRecordBytes}.
   */
  static ProducerRecord<String, byte[]> of(
      String deadLetterTopic,
      ConsumerRecord<String, byte[]> source,
      BadFrameException reason,
      int maxRecordBytes) {
    Headers headers = new RecordHeaders();
    int dropped = 0;
    int budget = MAX_HEADER_BYTES - OWN_HEADER_BYTES;
    for (Header h : source.headers()) {
      int nameBytes = h.key().getBytes(StandardCharsets.UTF_8).length;
      int valueBytes = h.value() == null ? 0 : h.value().length;
      if (nameBytes > MAX_HEADER_NAME_BYTES
          || valueBytes > MAX_HEADER_VALUE_BYTES
          || nameBytes + valueBytes > budget
          || h.key().startsWith("oad.dlq.")) {
        dropped++;
        continue;
      }
      budget -= nameBytes + valueBytes;
      headers.add(h);
    }
    if (dropped > 0) {
      FrameHeaders.putLong(headers, DeadLetterHeaders.HEADERS_DROPPED, dropped);
    }
    String key = putCommon(headers, source, reason.getMessage());
    long size = RECORD_OVERHEAD + utf8Length(key) + valueBytes(source) + headerBytes(headers);
    if (size > maxRecordBytes) {
      return stub(deadLetterTopic, source, reason);
    }
    return new ProducerRecord<>(
        deadLetterTopic, null, timestamp(source, reason), key, source.value(), headers);
  }

  /**
   * A small dead letter for {@code source}: the (possibly cut) key, no value, no copied headers;
   * the dead-letter headers with {@code reason}, and {@link DeadLetterHeaders#VALUE_DROPPED} giving
   * the size of the value left out. Used when the full copy cannot be sent.
   */
  static ProducerRecord<String, byte[]> stub(
      String deadLetterTopic, ConsumerRecord<String, byte[]> source, BadFrameException reason) {
    Headers headers = new RecordHeaders();
    String key = putCommon(headers, source, reason.getMessage());
    FrameHeaders.putLong(headers, DeadLetterHeaders.VALUE_DROPPED, valueBytes(source));
    return new ProducerRecord<>(
        deadLetterTopic, null, timestamp(source, reason), key, null, headers);
  }

  /** Adds stage, reason, coordinates and key truncation; returns the key to send. */
  private static String putCommon(
      Headers headers, ConsumerRecord<String, byte[]> source, String reason) {
    FrameHeaders.putString(headers, DeadLetterHeaders.STAGE, STAGE);
    FrameHeaders.putString(
        headers, DeadLetterHeaders.REASON, cut(reason, DeadLetterHeaders.MAX_REASON_BYTES));
    FrameHeaders.putString(headers, DeadLetterHeaders.TOPIC, source.topic());
    FrameHeaders.putLong(headers, DeadLetterHeaders.PARTITION, source.partition());
    FrameHeaders.putLong(headers, DeadLetterHeaders.OFFSET, source.offset());
    String key = source.key();
    if (key != null && key.length() > DeadLetterHeaders.MAX_KEY_BYTES / 3) {
      int bytes = utf8Length(key);
      if (bytes > DeadLetterHeaders.MAX_KEY_BYTES) {
        FrameHeaders.putLong(headers, DeadLetterHeaders.KEY_TRUNCATED, bytes);
        key = cut(key, DeadLetterHeaders.MAX_KEY_BYTES);
      }
    }
    return key;
  }

  /**
   * The longest prefix of {@code text} of at most {@code maxBytes} UTF-8 bytes, never splitting a
   * character; text that was cut ends with {@code ...}.
   */
  static String cut(String text, int maxBytes) {
    return DeadLetterHeaders.cut(text, maxBytes);
  }

  private static int utf8Length(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static int valueBytes(ConsumerRecord<String, byte[]> source) {
    return source.value() == null ? 0 : source.value().length;
  }

  private static long headerBytes(Headers headers) {
    long bytes = 0;
    for (Header h : headers) {
      bytes += utf8Length(h.key()) + (h.value() == null ? 0 : h.value().length);
    }
    return bytes;
  }

  /**
   * The capture time as timestamp, except when it is what was refused: a broker refuses timestamps
   * too far ahead ({@code message.timestamp.after.max.ms}), so such a dead letter takes the
   * producer's time.
   */
  private static Long timestamp(ConsumerRecord<String, byte[]> source, BadFrameException reason) {
    return source.timestamp() >= 0 && reason.reason() != BadFrameException.Reason.BAD_CAPTURE_TIME
        ? source.timestamp()
        : null;
  }
}
