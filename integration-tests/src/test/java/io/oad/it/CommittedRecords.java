package io.oad.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic as a {@code read_committed} consumer without a group (all partitions
 * assigned, from the beginning): what a downstream reader sees after aborted transactions are
 * filtered out.
 */
final class CommittedRecords {
  private CommittedRecords() {}

  /**
   * Reads until {@code done} holds for what was read (then {@code extra} longer, to catch late
   * duplicates), or {@code timeout} passed.
   */
  static List<ConsumerRecord<String, byte[]>> read(
      String bootstrap,
      String topic,
      Predicate<List<ConsumerRecord<String, byte[]>>> done,
      Duration extra,
      Duration timeout) {
    return read(bootstrap, topic, true, done, extra, timeout);
  }

  /**
   * As {@link #read(String, String, Predicate, Duration, Duration)}; {@code committed = false}
   * reads uncommitted, so records of aborted transactions (work done twice) are counted too.
   */
  static List<ConsumerRecord<String, byte[]>> read(
      String bootstrap,
      String topic,
      boolean committed,
      Predicate<List<ConsumerRecord<String, byte[]>>> done,
      Duration extra,
      Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    long extraUntil = Long.MAX_VALUE;
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      while (System.nanoTime() < Math.min(deadline, extraUntil)) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          got.add(r);
        }
        if (extraUntil == Long.MAX_VALUE && done.test(got)) {
          extraUntil = System.nanoTime() + extra.toNanos();
        }
      }
    }
    return got;
  }

  /**
   * How many records of the topic are not visible to read-committed readers (their transaction was
   * aborted): records the topic received twice because the work was redone.
   */
  static long aborted(String bootstrap, String topic, long committed) {
    long all =
        read(
                bootstrap,
                topic,
                false,
                got -> got.size() >= committed,
                Duration.ofSeconds(1),
                Duration.ofSeconds(20))
            .size();
    return all - committed;
  }

  /** Reads until at least {@code n} records arrived (plus 2 s), or the timeout. */
  static List<ConsumerRecord<String, byte[]>> atLeast(
      String bootstrap, String topic, long n, Duration timeout) {
    return read(bootstrap, topic, got -> got.size() >= n, Duration.ofSeconds(2), timeout);
  }
}
