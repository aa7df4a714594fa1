package io.oad.topology.internal;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A value serializer for the sinks that refuses a record larger than the bound before the producer
 * sees it. Under exactly-once a record the producer refuses as too large leaves the transaction
 * abortable, so the task would abort and replay forever; refused here, it goes to the production
 * exception handler's serialization path instead ({@link DetectorProductionExceptionHandler}),
 * which dead-letters a stub and goes on. With valid camera ids (at most 128 bytes) predictions and
 * events are far below the bound unless a model has absurdly many or long class names.
 */
public final class OutputSizeGuard<T> implements Serializer<T> {
  private final Serializer<T> delegate;
  private final int maxValueBytes;

  /** Thrown for a value of more than the bound; {@link #bytes()} is its serialized size. */
  public static final class TooLargeException extends SerializationException {
    private static final long serialVersionUID = 1L;
    private final long bytes;

    TooLargeException(String topic, long bytes, int max) {
      super(
          "record for "
              + topic
              + " has "
              + bytes
              + " bytes, more than the bound of "
              + max
              + " (detect.max.record.bytes)");
      this.bytes = bytes;
    }

    /** The serialized value's size. */
    public long bytes() {
      return bytes;
    }
  }

  /**
   * Wraps {@code delegate}, refusing values of more than {@code maxRecordBytes} minus what the key
   * (a valid camera id) and the record's framing may take.
   */
  public OutputSizeGuard(Serializer<T> delegate, int maxRecordBytes) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.maxValueBytes = maxRecordBytes - 1024;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    delegate.configure(configs, isKey);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    byte[] bytes = delegate.serialize(topic, data);
    if (bytes != null && bytes.length > maxValueBytes) {
      throw new TooLargeException(topic, bytes.length, maxValueBytes);
    }
    return bytes;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
