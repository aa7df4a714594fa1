package io.oad.topology.internal;

import io.oad.topology.DetectorMetrics;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Logs a record whose processing failed, lets Kafka Streams' built-in dead-letter queue (KIP-1034,
 * {@code errors.dead.letter.queue.topic.name}) build the copy of its original key and value, bounds
 * it and adds the contract's dead-letter headers ({@link DeadLetters}), counts it, and continues
 * with the next record. An {@link InvalidEmbeddingException} (a camera id or capture time refused
 * at the input) is counted under its own reason and logged without a stack trace.
 */
public final class DetectorProcessingExceptionHandler implements ProcessingExceptionHandler {
  private final LogAndContinueProcessingExceptionHandler delegate =
      new LogAndContinueProcessingExceptionHandler();
  private DetectorMetrics metrics;
  private int maxRecordBytes;

  @Override
  public void configure(Map<String, ?> configs) {
    delegate.configure(configs);
    metrics = DeadLetters.metrics(configs);
    maxRecordBytes = DeadLetters.maxRecordBytes(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
    Response response = delegate.handleError(context, record, e);
    boolean badTime =
        e instanceof InvalidEmbeddingException invalid
            && DetectorMetrics.REASON_BAD_CAPTURE_TIME.equals(invalid.metricReason());
    var deadLetters =
        DeadLetters.bounded(
            response.deadLetterQueueRecords(),
            context,
            DeadLetters.reason(e),
            !badTime,
            maxRecordBytes);
    if (metrics != null) {
      metrics.dropped(
          e instanceof InvalidEmbeddingException invalid
              ? invalid.metricReason()
              : e instanceof DimensionMismatchException
                  ? DetectorMetrics.REASON_WRONG_DIMENSION
                  : DetectorMetrics.REASON_PROCESSING_ERROR);
    }
    return response.result() == Result.RESUME
        ? Response.resume(deadLetters)
        : Response.fail(deadLetters);
  }
}
