package io.oad.topology.internal;

import io.oad.contract.CameraIds;
import io.oad.contract.CaptureTimes;
import io.oad.contract.Embedding;
import io.oad.topology.DetectorMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The topology's edge: counts every decoded embedding, then refuses, before any processor touches
 * state, an embedding whose key breaks the camera-id rule ({@link CameraIds}) or whose capture time
 * is negative or more than {@code maxCaptureAheadMs} ahead of the wall clock ({@link
 * CaptureTimes}). A refusal is an {@link InvalidEmbeddingException}, which the processing exception
 * handler dead-letters with the rule's reason. Records without key or value pass: the window
 * processor drops and counts them (they carry nothing to dead-letter).
 */
public final class InputGuardProcessor implements Processor<String, Embedding, String, Embedding> {
  private final DetectorMetrics metrics;
  private final long maxCaptureAheadMs;
  private ProcessorContext<String, Embedding> context;

  /** A guard counting into {@code metrics} with this tolerance. */
  public InputGuardProcessor(DetectorMetrics metrics, long maxCaptureAheadMs) {
    this.metrics = metrics;
    this.maxCaptureAheadMs = maxCaptureAheadMs;
  }

  /** A supplier of guards (a new one per task). */
  public static ProcessorSupplier<String, Embedding, String, Embedding> supplier(
      DetectorMetrics metrics, long maxCaptureAheadMs) {
    return () -> new InputGuardProcessor(metrics, maxCaptureAheadMs);
  }

  @Override
  public void init(ProcessorContext<String, Embedding> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, Embedding> record) {
    metrics.embeddingConsumed();
    if (record.key() != null && record.value() != null) {
      String badId = CameraIds.violation(record.key());
      if (badId != null) {
        throw new InvalidEmbeddingException(DetectorMetrics.REASON_BAD_CAMERA_ID, badId);
      }
      String badTime =
          CaptureTimes.violation(
              record.value().captureTimeMs(), context.currentSystemTimeMs(), maxCaptureAheadMs);
      if (badTime != null) {
        throw new InvalidEmbeddingException(
            DetectorMetrics.REASON_BAD_CAPTURE_TIME,
            badTime + " (camera " + record.key() + ", sequence " + record.value().sequence() + ")");
      }
    }
    context.forward(record);
  }
}
