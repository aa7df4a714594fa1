package io.oad.deploy.live;

import io.oad.contract.JsonSerde;
import io.oad.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link LiveHub} from {@code oad.predictions} and {@code oad.events} (read committed) for
 * a process that has no reader of its own ({@code oad detect}). It uses no consumer group: it reads
 * every partition, starting a little before the end so that the timeline is not empty at first, and
 * picks up partitions added later. Records it cannot decode are skipped and counted.
 */
public final class LiveFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

  /** Records per partition read back from before the end at start. */
  static final int BACKFILL = 120;

  private static final Duration REFRESH = Duration.ofSeconds(30);

  private final KafkaConsumer<String, byte[]> consumer;
  private final LiveHub hub;
  private final Thread thread;
  private final AtomicLong skipped = new AtomicLong();
  private volatile boolean running = true;

  private LiveFeed(Map<String, Object> kafka, String bootstrap, LiveHub hub) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.hub = hub;
    this.thread = new Thread(this::run, "oad-live-feed");
    thread.setDaemon(true);
  }

  /**
   * Starts reading in a thread of its own.
   *
   * @param kafka extra consumer settings (security and the like), may be empty
   */
  public static LiveFeed start(Map<String, Object> kafka, String bootstrap, LiveHub hub) {
    LiveFeed f = new LiveFeed(kafka, bootstrap, hub);
    f.thread.start();
    return f;
  }

  /** Records skipped because they could not be decoded. */
  public long skipped() {
    return skipped.get();
  }

  private void run() {
    JsonSerde<io.oad.contract.Prediction> predictions = JsonSerde.predictions();
    JsonSerde<io.oad.contract.ActionEvent> events = JsonSerde.events();
    Set<TopicPartition> assigned = new HashSet<>();
    long nextRefresh = 0;
    try {
      while (running) {
        if (System.nanoTime() >= nextRefresh) {
          assigned = refresh(assigned);
          nextRefresh =
              System.nanoTime() + (assigned.isEmpty() ? 2_000_000_000L : REFRESH.toNanos());
        }
        if (assigned.isEmpty()) {
          Thread.sleep(200);
          continue;
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          try {
            if (Topics.EVENTS.equals(r.topic())) {
              hub.accept(events.deserialize(r.topic(), r.value()));
            } else {
              hub.accept(predictions.deserialize(r.topic(), r.value()));
            }
          } catch (RuntimeException e) {
            if (skipped.incrementAndGet() == 1) {
              LOG.warn(
                  "live view skips undecodable records, first at {}-{}@{}: {}",
                  r.topic(),
                  r.partition(),
                  r.offset(),
                  e.toString());
            }
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("live view feed stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Assigns every partition of both topics, new ones positioned a little before their end. */
  private Set<TopicPartition> refresh(Set<TopicPartition> assigned) {
    Set<TopicPartition> all = new HashSet<>();
    for (String topic : List.of(Topics.PREDICTIONS, Topics.EVENTS)) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        LOG.debug("live view: no metadata for {} yet", topic);
        return assigned; // broker not reachable yet: try again later
      }
      if (infos != null) {
        infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
      }
    }
    if (all.equals(assigned) || all.isEmpty()) {
      return assigned;
    }
    List<TopicPartition> added = new ArrayList<>(all);
    added.removeAll(assigned);
    consumer.assign(all);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(added);
    Map<TopicPartition, Long> end = consumer.endOffsets(added);
    for (TopicPartition tp : added) {
      consumer.seek(tp, Math.max(begin.getOrDefault(tp, 0L), end.getOrDefault(tp, 0L) - BACKFILL));
    }
    return all;
  }

  /** Stops reading and waits for the consumer to close. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
