package io.oad.service;

import io.oad.contract.ActionEvent;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The one reader of the service's output ({@code oad.predictions}, {@code oad.events}), read
 * committed: the demo's printer, {@code oad watch}, the live page's feed, the pipeline evaluation
 * and the bench all read through it. Records are decoded with the wire contract; a record that does
 * not decode is counted, reported to the listener and skipped, it never stops the reader.
 *
 * <p>The {@code alert} role ({@link io.oad.service.alert.AlertForwarder}) reads {@code oad.events}
 * with a consumer of its own instead: it needs a lasting consumer group and commits each event's
 * offset only after the event was delivered, which this reader does not do.
 *
 * <p>Where it starts: at the earliest or the latest records with a consumer group of its own (no
 * offsets committed), or, with {@link Options#tail}, without any group: every partition is
 * assigned, read from a few records before its end, and partitions added later are picked up.
 */
public final class OutputReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputReader.class);
  private static final Duration REFRESH = Duration.ofSeconds(30);

  /** What the reader hands over, in the order records arrive (per camera: step order). */
  public interface Listener {
    /** A decoded prediction. */
    default void prediction(Prediction prediction) {}

    /** A decoded event. */
    default void event(ActionEvent event) {}

    /** A record that did not decode (already counted and skipped). */
    default void unreadable(ConsumerRecord<String, byte[]> record, RuntimeException error) {}
  }

  /** Where to start and what to read. */
  public record Options(
      List<String> topics, boolean fromBeginning, int tail, Map<String, Object> kafka) {
    /** Both output topics from the earliest record. */
    public static Options earliest() {
      return new Options(List.of(Topics.PREDICTIONS, Topics.EVENTS), true, -1, Map.of());
    }

    /** Both output topics from the records that arrive after the start. */
    public static Options latest() {
      return new Options(List.of(Topics.PREDICTIONS, Topics.EVENTS), false, -1, Map.of());
    }

    /**
     * Both output topics without a consumer group, from {@code records} before the end of each
     * partition, picking up partitions added later.
     */
    public static Options tail(int records) {
      if (records < 0) {
        throw new IllegalArgumentException("tail needs records >= 0, got " + records);
      }
      return new Options(List.of(Topics.PREDICTIONS, Topics.EVENTS), false, records, Map.of());
    }

    /** The same, reading only {@code topics}. */
    public Options topics(String... names) {
      return new Options(List.of(names), fromBeginning, tail, kafka);
    }

    /** The same, with extra consumer settings (security and the like). */
    public Options kafka(Map<String, Object> settings) {
      return new Options(topics, fromBeginning, tail, Map.copyOf(settings));
    }
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private final Options options;
  private final JsonSerde<Prediction> predictions = JsonSerde.predictions();
  private final JsonSerde<ActionEvent> events = JsonSerde.events();
  private final AtomicLong unreadable = new AtomicLong();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private Set<TopicPartition> assigned = new HashSet<>();
  private long nextRefresh;
  private Thread thread;

  private OutputReader(String bootstrap, Options options) {
    this.options = Objects.requireNonNull(options, "options");
    Properties p = new Properties();
    p.putAll(options.kafka());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    if (options.tail() >= 0) {
      p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    } else {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, "oad-reader-" + UUID.randomUUID());
      p.put(
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, options.fromBeginning() ? "earliest" : "latest");
    }
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    if (options.tail() < 0) {
      consumer.subscribe(options.topics());
    }
  }

  /** Opens a reader; it reads on {@link #poll} or, after {@link #start}, in a thread of its own. */
  public static OutputReader open(String bootstrap, Options options) {
    return new OutputReader(bootstrap, options);
  }

  /** Records that did not decode so far. */
  public long unreadable() {
    return unreadable.get();
  }

  /**
   * Reads once, handing what arrived to {@code listener}; for callers that loop themselves (not
   * after {@link #start}).
   *
   * @return records read (decoded or not)
   */
  public int poll(Duration timeout, Listener listener) {
    if (options.tail() >= 0) {
      if (System.nanoTime() >= nextRefresh) {
        refresh();
        nextRefresh = System.nanoTime() + (assigned.isEmpty() ? 2_000_000_000L : REFRESH.toNanos());
      }
      if (assigned.isEmpty()) {
        sleep(Math.min(timeout.toMillis(), 200));
        return 0;
      }
    }
    int n = 0;
    for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
      n++;
      try {
        if (Topics.EVENTS.equals(r.topic())) {
          listener.event(events.deserialize(r.topic(), r.value()));
        } else {
          listener.prediction(predictions.deserialize(r.topic(), r.value()));
        }
      } catch (RuntimeException e) {
        if (unreadable.incrementAndGet() == 1) {
          LOG.warn(
              "skipping undecodable output records, first at {}-{}@{}: {}",
              r.topic(),
              r.partition(),
              r.offset(),
              e.toString());
        }
        listener.unreadable(r, e);
      }
    }
    return n;
  }

  /**
   * Reads in the calling thread until {@link #close()} (from another thread or a shutdown hook);
   * then closes the consumer.
   */
  public void run(Listener listener) {
    try {
      while (!stopped.get()) {
        poll(Duration.ofMillis(200), listener);
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Reads in a daemon thread of its own until {@link #close()}. */
  public OutputReader start(Listener listener, String threadName) {
    thread =
        new Thread(
            () -> {
              try {
                run(listener);
              } catch (RuntimeException e) {
                LOG.error("output reader {} stopped", threadName, e);
              }
            },
            threadName);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /**
   * Stops reading: wakes a reader that runs ({@link #run}, {@link #start}) and waits for its
   * thread; closes the consumer of a reader that is polled by its caller.
   */
  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    if (thread == null) {
      consumer.close(Duration.ofSeconds(5));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Wakes a reader that runs in the calling thread of {@link #run} (e.g. from a shutdown hook). */
  public void stop() {
    stopped.set(true);
    consumer.wakeup();
  }

  /** Assigns every partition of the topics, new ones positioned {@code tail} before their end. */
  private void refresh() {
    Set<TopicPartition> all = new HashSet<>();
    for (String topic : options.topics()) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        LOG.debug("no metadata for {} yet", topic);
        return; // broker not reachable yet: try again later
      }
      if (infos != null) {
        infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
      }
    }
    if (all.equals(assigned) || all.isEmpty()) {
      return;
    }
    List<TopicPartition> added = new ArrayList<>(all);
    added.removeAll(assigned);
    consumer.assign(all);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(added);
    Map<TopicPartition, Long> end = consumer.endOffsets(added);
    for (TopicPartition tp : added) {
      consumer.seek(
          tp, Math.max(begin.getOrDefault(tp, 0L), end.getOrDefault(tp, 0L) - options.tail()));
    }
    assigned = all;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
  }
}
