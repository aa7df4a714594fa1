package io.oad.service.alert;

import io.oad.contract.ActionEvent;
import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.FrameHeaders;
import io.oad.contract.JsonSerde;
import io.oad.contract.Topics;
import io.oad.service.PollTracker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code alert} role: reads {@code oad.events} (read committed, consumer group of its own) and
 * POSTs each event of the chosen types to a webhook ({@link WebhookClient}).
 *
 * <p>At least once: an event's offset is committed (manually) only after its POST was acknowledged
 * with 2xx, it was suppressed by the rate limit, its type is not forwarded, or it was written to
 * {@code oad.deadletter}. A crash therefore redelivers the events since the last commit (the
 * receiver may drop them by the {@code Idempotency-Key}); none is lost. Events of one partition
 * (one camera's events always share one) are handled one after the other, in order: a failing event
 * holds back the later ones of every partition while it is retried.
 *
 * <p>Retries: connection errors, timeouts, 5xx, 408 and 429 are retried after an exponential,
 * jittered {@link Backoff} that honours {@code Retry-After}; other answers (3xx, 4xx) are final.
 * After {@link AlertSettings#maxAttempts()} attempts, or a final answer, the event is dead-lettered
 * (stage {@code alert}, reason, source topic/partition/offset; value = the event's JSON unless it
 * is larger than {@value #MAX_DEAD_LETTER_VALUE_BYTES} bytes). While it waits to retry, the
 * consumer keeps polling with its partitions paused, so the group does not evict it.
 *
 * <p>Stopping ({@link #close()}) lets the POST in flight finish, commits what was done and leaves
 * the group; an event that was waiting for a retry is left uncommitted and redone by the next
 * owner.
 */
public final class AlertForwarder implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertForwarder.class);

  /** Value of {@link DeadLetterHeaders#STAGE} on the dead letters of this role. */
  public static final String STAGE = "alert";

  /** Largest event value copied into a dead letter; larger ones are left out (stub). */
  public static final int MAX_DEAD_LETTER_VALUE_BYTES = 16 * 1024;

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration IDLE_POLL = Duration.ofMillis(100);
  private static final long COMMIT_EVERY_NANOS = 100_000_000L;
  private static final long KEEP_ALIVE_NANOS = 10_000_000_000L;
  private static final int MAX_KEYS = 100_000;

  private final AlertSettings settings;
  private final Consumer<String, byte[]> consumer;
  private final Producer<String, byte[]> producer;
  private final WebhookClient client;
  private final Backoff backoff;
  private final RateLimiter limiter;
  private final AlertMetrics metrics;
  private final JsonSerde<ActionEvent> events = JsonSerde.events();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
  private final Set<TopicPartition> revoked = new HashSet<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Throwable failure;
  private boolean holding;
  private long lastCommit = System.nanoTime();
  private long lastPoll = System.nanoTime();

  /** Wires a forwarder from its parts (tests give their own). */
  public AlertForwarder(
      AlertSettings settings,
      Consumer<String, byte[]> consumer,
      Producer<String, byte[]> producer,
      WebhookClient client,
      Backoff backoff,
      AlertMetrics metrics) {
    this.settings = settings;
    this.consumer = consumer;
    this.producer = producer;
    this.client = client;
    this.backoff = backoff;
    this.limiter = new RateLimiter(settings.rateLimitMs(), MAX_KEYS);
    this.metrics = metrics;
  }

  /**
   * A forwarder with its own Kafka clients.
   *
   * @param consumerSettings extra consumer settings (security, {@code auto.offset.reset}, ...); the
   *     group, read-committed isolation and manual commits are always set here
   * @param producerSettings extra settings of the dead-letter producer
   * @param polls tracks the consumer's polls for {@code /readyz}; may be null
   */
  public static AlertForwarder create(
      String bootstrap,
      Map<String, Object> consumerSettings,
      Map<String, Object> producerSettings,
      AlertSettings settings,
      AlertMetrics metrics,
      PollTracker polls) {
    Properties c = new Properties();
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    c.putAll(consumerSettings);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Properties p = new Properties();
    p.putAll(producerSettings);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    Consumer<String, byte[]> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    Producer<String, byte[]> producer;
    try {
      producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    } catch (KafkaException e) {
      consumer.close();
      throw e;
    }
    return new AlertForwarder(
        settings,
        polls == null ? consumer : polls.track(consumer),
        producer,
        new WebhookClient(settings),
        new Backoff(settings.backoffInitial(), settings.backoffMax(), ThreadLocalRandom.current()),
        metrics);
  }

  /** The error that stopped the forwarder, if it stopped on one. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** Reads and forwards until {@link #close()}; then commits, leaves the group and closes. */
  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(Topics.EVENTS), new Rebalance());
      while (!stopping.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        lastPoll = System.nanoTime();
        revoked.clear();
        for (TopicPartition tp : records.partitions()) {
          for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
            if (stopping.get() || revoked.contains(tp) || !handle(r, tp)) {
              break;
            }
            pending.put(tp, new OffsetAndMetadata(r.offset() + 1));
            if (System.nanoTime() - lastCommit > COMMIT_EVERY_NANOS) {
              commit();
            }
            if (System.nanoTime() - lastPoll > KEEP_ALIVE_NANOS) {
              hold(Duration.ZERO, tp);
            }
          }
        }
        commit();
      }
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("alert forwarder stopped on an error", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        commit();
      } catch (RuntimeException e) {
        LOG.warn(
            "last commit failed (the events since the previous one will be redone): {}",
            e.toString());
      }
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("closing the consumer: {}", e.toString());
      }
      producer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  /**
   * Handles one record to the end (delivered, skipped, suppressed or dead-lettered).
   *
   * @return false when it was abandoned (stopping, or its partition was revoked): not done
   */
  private boolean handle(ConsumerRecord<String, byte[]> r, TopicPartition tp)
      throws InterruptedException {
    ActionEvent event;
    try {
      event = events.deserialize(r.topic(), r.value());
      if (event == null) {
        throw new IllegalArgumentException("empty value");
      }
    } catch (RuntimeException e) {
      deadLetter(r, "undecodable", "undecodable event: " + e.getMessage());
      return true;
    }
    if (!settings.types().contains(event.type())) {
      metrics.skipped();
      return true;
    }
    if (!limiter.allows(event)) {
      metrics.suppressed(event.type());
      LOG.debug("suppressed by the rate limit: {}", event);
      return true;
    }
    long start = System.nanoTime();
    String id = r.topic() + "/" + r.partition() + "/" + r.offset();
    byte[] body = WebhookClient.body(event, id);
    for (int attempt = 1; ; attempt++) {
      WebhookClient.Outcome outcome = client.post(body, id);
      if (outcome.result() == WebhookClient.Result.DELIVERED) {
        limiter.sent(event);
        metrics.delivered(event.type(), (System.nanoTime() - start) / 1e9);
        return true;
      }
      metrics.failedAttempt(outcome.reason());
      if (outcome.result() == WebhookClient.Result.REFUSED) {
        limiter.sent(event);
        deadLetter(r, "refused", "webhook refused the event: " + outcome.detail());
        return true;
      }
      if (attempt >= settings.maxAttempts()) {
        limiter.sent(event);
        deadLetter(
            r, "attempts_exhausted", attempt + " attempts failed, the last: " + outcome.detail());
        return true;
      }
      Duration delay = backoff.delay(attempt, outcome.retryAfter());
      LOG.warn(
          "POST of {} failed (attempt {}/{}): {}; retrying in {} ms",
          id,
          attempt,
          settings.maxAttempts(),
          outcome.detail(),
          delay.toMillis());
      if (!hold(delay, tp)) {
        return false;
      }
    }
  }

  /**
   * Waits {@code delay} while polling with every partition paused (the group keeps the member);
   * returns false when stopping or when {@code tp} was revoked meanwhile.
   */
  private boolean hold(Duration delay, TopicPartition tp) {
    long deadline = System.nanoTime() + delay.toNanos();
    holding = true;
    consumer.pause(consumer.assignment());
    try {
      do {
        if (stopping.get()) {
          return false;
        }
        long left = Math.max(0, deadline - System.nanoTime());
        ConsumerRecords<String, byte[]> stray =
            consumer.poll(Duration.ofNanos(Math.min(left, IDLE_POLL.toNanos())));
        lastPoll = System.nanoTime();
        for (TopicPartition p : stray.partitions()) {
          // not expected with every partition paused; never lose them: read them again later
          consumer.seek(p, stray.records(p).get(0).offset());
        }
        if (revoked.contains(tp)) {
          return false;
        }
      } while (System.nanoTime() < deadline);
      return true;
    } finally {
      holding = false;
      consumer.resume(consumer.paused());
    }
  }

  /** Writes the dead letter of {@code r} and waits for the broker's acknowledgement. */
  private void deadLetter(ConsumerRecord<String, byte[]> r, String reasonLabel, String reason) {
    ProducerRecord<String, byte[]> letter = deadLetterOf(r, reason);
    try {
      producer.send(letter).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot write the dead letter of " + r.topic() + "-" + r.partition() + "@" + r.offset(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing a dead letter", e);
    }
    metrics.deadLettered(reasonLabel);
    LOG.warn(
        "dead-lettered {}-{}@{} ({}): {}",
        r.topic(),
        r.partition(),
        r.offset(),
        reasonLabel,
        reason);
  }

  /**
   * The dead letter of {@code r}: its key (cut to {@link DeadLetterHeaders#MAX_KEY_BYTES}), its
   * value when at most {@value #MAX_DEAD_LETTER_VALUE_BYTES} bytes (else none, {@link
   * DeadLetterHeaders#VALUE_DROPPED} giving its size), no copied headers, and the stage, reason and
   * source headers.
   */
  public static ProducerRecord<String, byte[]> deadLetterOf(
      ConsumerRecord<String, byte[]> r, String reason) {
    Headers headers = new RecordHeaders();
    FrameHeaders.putString(headers, DeadLetterHeaders.STAGE, STAGE);
    FrameHeaders.putString(
        headers, DeadLetterHeaders.REASON, cut(reason, DeadLetterHeaders.MAX_REASON_BYTES));
    FrameHeaders.putString(headers, DeadLetterHeaders.TOPIC, r.topic());
    FrameHeaders.putLong(headers, DeadLetterHeaders.PARTITION, r.partition());
    FrameHeaders.putLong(headers, DeadLetterHeaders.OFFSET, r.offset());
    String key = r.key();
    if (key != null) {
      int bytes = key.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > DeadLetterHeaders.MAX_KEY_BYTES) {
        FrameHeaders.putLong(headers, DeadLetterHeaders.KEY_TRUNCATED, bytes);
        key = cut(key, DeadLetterHeaders.MAX_KEY_BYTES);
      }
    }
    byte[] value = r.value();
    if (value != null && value.length > MAX_DEAD_LETTER_VALUE_BYTES) {
      FrameHeaders.putLong(headers, DeadLetterHeaders.VALUE_DROPPED, value.length);
      value = null;
    }
    return new ProducerRecord<>(Topics.DEADLETTER, null, null, key, value, headers);
  }

  /** The longest prefix of at most {@code maxBytes} UTF-8 bytes; cut text ends with "...". */
  static String cut(String text, int maxBytes) {
    if (text == null || text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
      return text;
    }
    StringBuilder sb = new StringBuilder();
    int used = 0;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      int bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (used + bytes > maxBytes - 3) {
        break;
      }
      sb.appendCodePoint(c);
      used += bytes;
      i += Character.charCount(c);
    }
    return sb.append("...").toString();
  }

  private void commit() {
    if (pending.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(pending);
    pending.clear();
    lastCommit = System.nanoTime();
    try {
      consumer.commitSync(offsets);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      LOG.warn(
          "commit of {} failed, those events will be redone by the partitions' owner: {}",
          offsets,
          e.toString());
    }
  }

  /**
   * Stops: the POST in flight finishes, done events are committed, the group is left. Waits up to
   * the request timeout plus 10 s for that.
   */
  @Override
  public void close() {
    stopping.set(true);
    try {
      stopped.await(settings.requestTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Asks to stop without waiting. */
  public void stop() {
    stopping.set(true);
  }

  /** Whether {@link #run()} has finished (committed, left the group, closed its clients). */
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** Waits until {@link #run()} has returned. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> mine = new HashMap<>();
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata o = pending.remove(tp);
        if (o != null) {
          mine.put(tp, o);
        }
      }
      revoked.addAll(partitions);
      if (!mine.isEmpty()) {
        try {
          consumer.commitSync(mine);
        } catch (KafkaException e) {
          LOG.warn("commit on revocation failed ({} will be redone): {}", mine, e.toString());
        }
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(pending::remove);
      revoked.addAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (holding) {
        consumer.pause(partitions);
      }
    }
  }
}
