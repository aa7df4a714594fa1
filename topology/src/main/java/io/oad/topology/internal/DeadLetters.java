package io.oad.topology.internal;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.FrameHeaders;
import io.oad.topology.DetectorMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Shared by the exception handlers: adds the wire contract's {@link DeadLetterHeaders} to the
 * dead-letter records that Kafka Streams built (which already carry its own {@code
 * __streams.errors.*} headers), and finds the {@link DetectorMetrics} passed through the config.
 */
public final class DeadLetters {
  /** Stage name written to {@link DeadLetterHeaders#STAGE}. */
  public static final String STAGE = "detect";

  /**
   * Config key under which a {@link DetectorMetrics} instance (not a string) may be passed to the
   * handlers; absent means the handlers count nothing.
   */
  public static final String METRICS_CONFIG = "oad.detector.metrics";

  private DeadLetters() {}

  /** Adds stage, reason and source coordinates to every record. */
  public static void addContractHeaders(
      List<ProducerRecord<byte[], byte[]>> records, ErrorHandlerContext context, Exception e) {
    String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
    for (ProducerRecord<byte[], byte[]> r : records) {
      FrameHeaders.putString(r.headers(), DeadLetterHeaders.STAGE, STAGE);
      FrameHeaders.putString(r.headers(), DeadLetterHeaders.REASON, reason);
      FrameHeaders.putString(r.headers(), DeadLetterHeaders.TOPIC, String.valueOf(context.topic()));
      FrameHeaders.putLong(r.headers(), DeadLetterHeaders.PARTITION, context.partition());
      FrameHeaders.putLong(r.headers(), DeadLetterHeaders.OFFSET, context.offset());
    }
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
}
