package io.oad.topology.internal;

import io.oad.topology.DetectorMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what happens to an output record (prediction, event) that cannot be sent or serialized. A
 * record the broker or producer refuses for what it holds ({@link RecordTooLargeException}, {@link
 * RecordBatchTooLargeException}, {@link InvalidRecordException}) or whose serialization fails
 * (including {@link OutputSizeGuard}'s refusal of an oversized record) would fail the same way on
 * every retry: it is dead-lettered as a small {@link DeadLetters#stub} (its key, no value, the
 * reason naming the output topic), counted as {@link DetectorMetrics#REASON_UNSENDABLE}, and
 * processing goes on. Everything else (authorization, a missing topic, fencing) is left to Kafka
 * Streams' default: retry what is retriable, fail otherwise.
 *
 * <p>Under exactly-once a send refused by the producer puts the transaction into an abortable state
 * whatever this handler answers; the topology therefore checks the size of what it forwards before
 * the producer sees it ({@link OutputSizeGuard}), so that path is a last resort.
 */
public final class DetectorProductionExceptionHandler implements ProductionExceptionHandler {
  private static final Logger LOG =
      LoggerFactory.getLogger(DetectorProductionExceptionHandler.class);

  private final DefaultProductionExceptionHandler delegate =
      new DefaultProductionExceptionHandler();
  private DetectorMetrics metrics;
  private String deadLetterTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    delegate.configure(configs);
    metrics = DeadLetters.metrics(configs);
    Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    deadLetterTopic = topic == null ? null : topic.toString();
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
    if (!(e instanceof RecordTooLargeException
        || e instanceof RecordBatchTooLargeException
        || e instanceof InvalidRecordException)) {
      return delegate.handleError(context, record, e);
    }
    long size = record.value() == null ? 0 : record.value().length;
    return unsendable(context, record.topic(), record.key(), size, e);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception e,
      SerializationExceptionOrigin origin) {
    byte[] key =
        record.key() == null
            ? null
            : record.key().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long size = e instanceof OutputSizeGuard.TooLargeException tooLarge ? tooLarge.bytes() : -1;
    return unsendable(context, record.topic(), key, size, e);
  }

  private Response unsendable(
      ErrorHandlerContext context, String topic, byte[] key, long valueBytes, Exception e) {
    String reason =
        "could not send to " + topic + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
    LOG.warn(
        "output record for {} from {}-{}@{} not sent, dead-lettered as a stub: {}",
        topic,
        context.topic(),
        context.partition(),
        context.offset(),
        DeadLetters.cut(reason, 512));
    if (metrics != null) {
      metrics.dropped(DetectorMetrics.REASON_UNSENDABLE);
    }
    if (deadLetterTopic == null) {
      return Response.resume();
    }
    return Response.resume(
        List.of(DeadLetters.stub(deadLetterTopic, context, reason, key, valueBytes)));
  }
}
