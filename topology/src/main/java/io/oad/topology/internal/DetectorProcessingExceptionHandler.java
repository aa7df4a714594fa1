package io.oad.topology.internal;

import io.oad.topology.DetectorMetrics;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Logs a record whose processing failed, lets Kafka Streams' built-in dead-letter queue (KIP-1034,
 * {@code errors.dead.letter.queue.topic.name}) write its original key and value, adds the
 * contract's dead-letter headers, counts it, and continues with the next record.
 */
public final class DetectorProcessingExceptionHandler implements ProcessingExceptionHandler {
  private final LogAndContinueProcessingExceptionHandler delegate =
      new LogAndContinueProcessingExceptionHandler();
  private DetectorMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    delegate.configure(configs);
    metrics = DeadLetters.metrics(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
    Response response = delegate.handleError(context, record, e);
    DeadLetters.addContractHeaders(response.deadLetterQueueRecords(), context, e);
    if (metrics != null) {
      metrics.dropped(
          e instanceof DimensionMismatchException
              ? DetectorMetrics.REASON_WRONG_DIMENSION
              : DetectorMetrics.REASON_PROCESSING_ERROR);
    }
    return response;
  }
}
