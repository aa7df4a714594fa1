package io.oad.topology.internal;

import io.oad.topology.DetectorMetrics;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Logs an input record that cannot be decoded, lets Kafka Streams' built-in dead-letter queue
 * (KIP-1034) build the copy of its raw bytes, bounds it and adds the contract's dead-letter headers
 * ({@link DeadLetters}), counts it, and continues with the next record.
 */
public final class DetectorDeserializationExceptionHandler
    implements DeserializationExceptionHandler {
  private final LogAndContinueExceptionHandler delegate = new LogAndContinueExceptionHandler();
  private DetectorMetrics metrics;
  private int maxRecordBytes;

  @Override
  public void configure(Map<String, ?> configs) {
    delegate.configure(configs);
    metrics = DeadLetters.metrics(configs);
    maxRecordBytes = DeadLetters.maxRecordBytes(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
    Response response = delegate.handleError(context, record, e);
    var deadLetters =
        DeadLetters.bounded(
            response.deadLetterQueueRecords(),
            context,
            DeadLetters.reason(e),
            record.timestamp() >= 0,
            maxRecordBytes);
    if (metrics != null) {
      metrics.embeddingConsumed();
      metrics.dropped(DetectorMetrics.REASON_UNDECODABLE);
    }
    return response.result() == Result.RESUME
        ? Response.resume(deadLetters)
        : Response.fail(deadLetters);
  }
}
