package io.oad.extractor;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A mock producer whose broker is away for a while: {@code initTransactions} and {@code
 * commitTransaction} time out a given number of times first. Like the real producer, it refuses to
 * abort a transaction whose commit timed out (the commit must be retried).
 */
class FlakyBrokerProducer extends MockProducer<String, byte[]> {
  int initTimeouts;
  int commitTimeouts;
  int initCalls;
  int commitCalls;
  int abortCalls;
  private boolean commitTimedOut;

  FlakyBrokerProducer() {
    super(true, null, new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public void initTransactions() {
    initCalls++;
    if (initTimeouts > 0) {
      initTimeouts--;
      throw new TimeoutException("Timeout expired after 60000ms while awaiting InitProducerId");
    }
    super.initTransactions();
  }

  @Override
  public void commitTransaction() {
    commitCalls++;
    if (commitTimeouts > 0) {
      commitTimeouts--;
      commitTimedOut = true;
      throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
    }
    commitTimedOut = false;
    super.commitTransaction();
  }

  @Override
  public void abortTransaction() {
    abortCalls++;
    if (commitTimedOut) {
      throw new KafkaException(
          "TransactionalId extractor-1: Cannot attempt operation `abortTransaction` because the"
              + " previous call to `commitTransaction` timed out and must be retried");
    }
    super.abortTransaction();
  }
}
