package io.oad.extractor;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.FrameHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the original key, value and headers plus {@link DeadLetterHeaders}.
 */
final class DeadLetters {
  /** Value of the {@link DeadLetterHeaders#STAGE} header written by this module. */
  static final String STAGE = "extract";

  private DeadLetters() {}

  static ProducerRecord<String, byte[]> of(
      String deadLetterTopic, ConsumerRecord<String, byte[]> source, BadFrameException reason) {
    Headers headers = new RecordHeaders(source.headers().toArray());
    FrameHeaders.putString(headers, DeadLetterHeaders.STAGE, STAGE);
    FrameHeaders.putString(headers, DeadLetterHeaders.REASON, reason.getMessage());
    FrameHeaders.putString(headers, DeadLetterHeaders.TOPIC, source.topic());
    FrameHeaders.putLong(headers, DeadLetterHeaders.PARTITION, source.partition());
    FrameHeaders.putLong(headers, DeadLetterHeaders.OFFSET, source.offset());
    Long timestamp = source.timestamp() >= 0 ? source.timestamp() : null;
    return new ProducerRecord<>(
        deadLetterTopic, null, timestamp, source.key(), source.value(), headers);
  }
}
