package io.oad.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows a topic as a {@code read_committed} reader on its own thread and notes when each record
 * became visible (for takeover times: the kill, then the first record of a camera the killed
 * instance owned).
 */
final class ArrivalRecorder implements AutoCloseable {
  /** A record and when this reader received it ({@link System#nanoTime()}). */
  record Arrival(long nanos, ConsumerRecord<String, byte[]> record) {}

  private final List<Arrival> arrivals = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  ArrivalRecorder(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
    c.assign(parts);
    c.seekToBeginning(parts);
    thread =
        new Thread(
            () -> {
              try (c) {
                while (running.get()) {
                  for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    synchronized (arrivals) {
                      arrivals.add(new Arrival(now, r));
                    }
                  }
                }
              }
            },
            "arrivals-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  /** What arrived so far, in arrival order. */
  List<Arrival> arrivals() {
    synchronized (arrivals) {
      return List.copyOf(arrivals);
    }
  }

  /** The records that arrived so far. */
  List<ConsumerRecord<String, byte[]>> records() {
    return arrivals().stream().map(Arrival::record).toList();
  }

  /** Waits until {@code done} holds for the records so far; false on timeout. */
  boolean await(Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.test(records())) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /**
   * The first arrival after {@code afterNanos} of a record keyed by one of {@code keys}, or null.
   */
  Arrival firstAfter(long afterNanos, java.util.Set<String> keys) {
    for (Arrival a : arrivals()) {
      if (a.nanos() > afterNanos && keys.contains(a.record().key())) {
        return a;
      }
    }
    return null;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(5_000);
  }
}
