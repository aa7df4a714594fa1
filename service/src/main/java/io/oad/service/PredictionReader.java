package io.oad.service;

import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads committed predictions from the beginning, grouped by camera in arrival (= step) order. */
public final class PredictionReader {
  private PredictionReader() {}

  /**
   * Reads until {@code expected} predictions arrived (then 2 s more, to catch duplicates), or
   * nothing new came for 30 s, or the timeout passed.
   */
  public static Map<String, List<Prediction>> read(
      String bootstrap, long expected, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "oad-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, List<Prediction>> got = new TreeMap<>();
    JsonSerde<Prediction> serde = JsonSerde.predictions();
    long n = 0;
    long now = System.nanoTime();
    long deadline = now + timeout.toNanos();
    long lastNew = now;
    long extraUntil = Long.MAX_VALUE;
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topics.PREDICTIONS));
      while (true) {
        now = System.nanoTime();
        if (now > deadline
            || now > extraUntil
            || now - lastNew > Duration.ofSeconds(30).toNanos()) {
          break;
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          Prediction pr = serde.deserialize(r.topic(), r.value());
          got.computeIfAbsent(pr.camera(), k -> new ArrayList<>()).add(pr);
          n++;
          lastNew = System.nanoTime();
        }
        if (n >= expected && extraUntil == Long.MAX_VALUE) {
          extraUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    return got;
  }
}
