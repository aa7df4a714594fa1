package io.oad.bench;

import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads committed predictions on its own thread and notes, for each, when it arrived: the
 * capture-to-arrival time is the latency a downstream consumer sees (the prediction's own {@code
 * latencyMs} stops when the topology made it, before the produce and the transaction commit).
 */
final class PredictionCollector implements AutoCloseable {
  /** One received prediction: arrival wall time, capture-to-arrival and the topology's latency. */
  record Arrival(long arrivalMs, long endToEndMs, long topologyMs, boolean warm) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Arrival> arrivals = new ArrayList<>();
  private volatile RuntimeException failure;

  PredictionCollector(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "oad-bench-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::loop, "oad-bench-reader");
  }

  /** Starts reading. */
  PredictionCollector start() {
    thread.start();
    return this;
  }

  private void loop() {
    JsonSerde<Prediction> serde = JsonSerde.predictions();
    try {
      consumer.subscribe(List.of(Topics.PREDICTIONS));
      while (!stop.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          Prediction pr = serde.deserialize(r.topic(), r.value());
          synchronized (arrivals) {
            arrivals.add(new Arrival(now, now - pr.captureTimeMs(), pr.latencyMs(), pr.warm()));
          }
        }
      }
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close();
    }
  }

  /** A copy of what arrived so far; rethrows a failure of the reading thread. */
  List<Arrival> arrivals() {
    if (failure != null) {
      throw new IllegalStateException("prediction reader failed: " + failure.getMessage(), failure);
    }
    synchronized (arrivals) {
      return new ArrayList<>(arrivals);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(5000);
  }
}
