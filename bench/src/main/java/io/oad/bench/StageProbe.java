package io.oad.bench;

import io.oad.contract.ContractException;
import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where the capture-to-prediction time goes, stage by stage: reads {@code oad.frames}, {@code
 * oad.embeddings} and {@code oad.predictions} as soon as the broker has a record (read_uncommitted)
 * and {@code oad.embeddings} again as a read_committed reader, and notes for each record the time
 * from its capture (the frame's capture-time header, else the record timestamp; embeddings and
 * predictions carry the capture time as their timestamp) to its arrival here. Without group, from
 * the end of each partition at start. Each arrival includes this reader's own fetch delay (a few
 * ms).
 */
final class StageProbe implements AutoCloseable {
  /** Stage names, in pipeline order (the JSON keys of {@link #percentiles}). */
  static final String FRAME_ON_BROKER = "frameOnBroker";

  static final String EMBEDDING_ON_BROKER = "embeddingOnBroker";
  static final String EMBEDDING_COMMITTED = "embeddingCommitted";
  static final String PREDICTION_ON_BROKER = "predictionOnBroker";

  private final KafkaConsumer<byte[], byte[]> uncommitted;
  private final KafkaConsumer<byte[], byte[]> committed;
  private final Map<String, List<long[]>> arrivals = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  StageProbe(String bootstrap) {
    this.uncommitted = consumer(bootstrap, "read_uncommitted");
    this.committed = consumer(bootstrap, "read_committed");
    for (String s :
        List.of(FRAME_ON_BROKER, EMBEDDING_ON_BROKER, EMBEDDING_COMMITTED, PREDICTION_ON_BROKER)) {
      arrivals.put(s, new ArrayList<>());
    }
    assignAtEnd(uncommitted, List.of(Topics.FRAMES, Topics.EMBEDDINGS, Topics.PREDICTIONS));
    assignAtEnd(committed, List.of(Topics.EMBEDDINGS));
    this.thread = new Thread(this::loop, "oad-bench-stage-probe");
    this.thread.setDaemon(true);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(p);
  }

  private static void assignAtEnd(KafkaConsumer<byte[], byte[]> consumer, List<String> topics) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
  }

  StageProbe start() {
    thread.start();
    return this;
  }

  private void loop() {
    try {
      while (running) {
        note(uncommitted, false);
        note(committed, true);
      }
    } catch (WakeupException e) {
      // closing
    }
  }

  private void note(KafkaConsumer<byte[], byte[]> consumer, boolean isCommitted) {
    var records = consumer.poll(Duration.ofMillis(5));
    long now = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String stage;
      long capture = r.timestamp();
      switch (r.topic()) {
        case Topics.FRAMES -> {
          stage = FRAME_ON_BROKER;
          try {
            Long header = FrameHeaders.getOptionalLong(r.headers(), FrameHeaders.CAPTURE_TIME);
            if (header != null) {
              capture = header;
            }
          } catch (ContractException e) {
            continue;
          }
        }
        case Topics.EMBEDDINGS -> stage = isCommitted ? EMBEDDING_COMMITTED : EMBEDDING_ON_BROKER;
        case Topics.PREDICTIONS -> stage = PREDICTION_ON_BROKER;
        default -> {
          continue;
        }
      }
      synchronized (arrivals) {
        arrivals.get(stage).add(new long[] {now, now - capture});
      }
    }
  }

  /** Capture-to-arrival percentiles per stage, of the records that arrived in the window. */
  Map<String, Percentiles> percentiles(long fromMs, long toMs) {
    Map<String, Percentiles> out = new LinkedHashMap<>();
    synchronized (arrivals) {
      arrivals.forEach(
          (stage, list) -> {
            List<Long> ms = new ArrayList<>();
            for (long[] a : list) {
              if (a[0] > fromMs && a[0] <= toMs) {
                ms.add(a[1]);
              }
            }
            if (!ms.isEmpty()) {
              out.put(stage, Percentiles.of(ms));
            }
          });
    }
    return out;
  }

  @Override
  public void close() {
    running = false;
    uncommitted.wakeup();
    committed.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    uncommitted.close();
    committed.close();
  }
}
