package io.oad.extractor;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A mock producer that refuses records larger than a limit as a broker does: the send fails with
 * {@link RecordTooLargeException} and, inside a transaction, the commit fails (the transaction can
 * only be aborted), as with the real producer.
 */
class SizeLimitedProducer extends MockProducer<String, byte[]> {
  private final int maxRecordBytes;
  private boolean failedInTransaction;
  int refused;

  SizeLimitedProducer(int maxRecordBytes) {
    super(true, null, new StringSerializer(), new ByteArraySerializer());
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Key, value and header bytes of a record. */
  static int size(ProducerRecord<String, byte[]> record) {
    int size = record.value() == null ? 0 : record.value().length;
    if (record.key() != null) {
      size += record.key().getBytes(StandardCharsets.UTF_8).length;
    }
    for (Header h : record.headers()) {
      size += h.key().getBytes(StandardCharsets.UTF_8).length;
      size += h.value() == null ? 0 : h.value().length;
    }
    return size;
  }

  @Override
  public synchronized Future<RecordMetadata> send(
      ProducerRecord<String, byte[]> record, Callback callback) {
    if (size(record) > maxRecordBytes) {
      refused++;
      failedInTransaction = transactionInFlight();
      RecordTooLargeException e =
          new RecordTooLargeException("record of " + size(record) + " bytes refused");
      if (callback != null) {
        callback.onCompletion(null, e);
      }
      return CompletableFuture.failedFuture(e);
    }
    return super.send(record, callback);
  }

  @Override
  public void beginTransaction() {
    failedInTransaction = false;
    super.beginTransaction();
  }

  @Override
  public void commitTransaction() {
    if (failedInTransaction) {
      throw new KafkaException("cannot commit: a send of this transaction failed");
    }
    super.commitTransaction();
  }
}
