package io.oad.extractor;

import io.oad.contract.CameraIds;
import io.oad.contract.CaptureTimes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extractor process: consumes frames, embeds them in batches across cameras and publishes the
 * embeddings, keyed by camera id with the frame's capture time as record timestamp. Refused frames
 * go to the dead-letter topic; the loop never stops for a bad frame.
 *
 * <p>Batching: records from successive polls are collected until {@link
 * ExtractorConfig#maxBatchSize()} frames are waiting or the oldest has waited {@link
 * ExtractorConfig#maxWait()}. Output records are sent in input order, so each camera (one key, one
 * partition) keeps its order.
 *
 * <p>Delivery: with a {@link ExtractorConfig#transactionalId()} each batch's outputs and its
 * consumed offsets commit in one Kafka transaction (exactly-once for read_committed readers).
 * Without one, offsets are committed only after every output of the batch is acknowledged
 * (at-least-once: a crash between the two duplicates that batch). A batch that fails to publish is
 * aborted and re-read from its first offset.
 *
 * <p>Broker outages: a broker that is down at start-up is waited for (transactions are initialised
 * with backoff); a commit that times out is retried, never aborted (Kafka requires it); a producer
 * whose transaction state is lost (fenced, epoch bumped, fatal error) is closed and replaced, and
 * every assigned partition is rewound to its committed offset. A producer fenced {@value
 * #MAX_PRODUCERS_IN_A_ROW} times in a row without a commit in between means another live instance
 * owns the transactional id: the service stops with an error.
 *
 * <p>Hostile input: a frame whose camera id breaks the {@link io.oad.contract.CameraIds} rule,
 * whose capture time is further ahead than {@link ExtractorConfig#maxCaptureAhead()}, or that has
 * more pixels than {@link ExtractorConfig#maxFramePixels()} is dead-lettered, never embedded; a
 * batch holds at most {@link ExtractorConfig#maxBatchPixels()} decoded pixels; dead letters are
 * bounded (see {@link DeadLetters}) and, when the broker refuses one (or an embedding) as too
 * large, the batch is re-read once and that frame gets a stub dead letter, so no record stalls a
 * partition.
 *
 * <p>Failure: an error the service cannot go on from ends {@link #run()}; {@link #failure()} then
 * holds it, and the launcher must exit non-zero.
 *
 * <p>Drop policy ({@link ExtractorConfig#maxLag()}, off by default): when a batch is about to be
 * embedded, frames captured longer than the lag bound ago are not decoded nor embedded (or, with
 * {@link ExtractorConfig#lagSampleEvery()} = k, only every k-th of them per camera is), and are
 * counted by camera and reason. Their offsets are committed with the batch: dropping is a decision,
 * not a loss, and the frames are not re-read after a restart. The topology sees the dropped frames
 * as missing steps. So a stage that falls behind catches up instead of queueing without limit.
 *
 * <p>Backbone updates: {@link #swapBackbone} hands over a new backbone from any thread; the loop
 * puts it in service between two batches, so every embedding names (in {@link
 * io.oad.contract.Embedding#extractorId()}) the backbone that computed it.
 *
 * <p>Threading: {@link #run()} on one thread; {@link #close()} from any other thread stops it and
 * waits for it. The service owns the backbone and both clients and closes them when it stops.
 */
public final class ExtractorService implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExtractorService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final long INITIAL_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** Producers replaced without a committed batch in between before the service gives up. */
  static final int MAX_PRODUCERS_IN_A_ROW = 3;

  /** Most frames remembered for stub dead letters at once. */
  private static final int MAX_STUBBED = 10_000;

  private final ExtractorConfig config;
  private final ExtractorMetrics metrics;
  private final Consumer<String, byte[]> consumer;
  private final Supplier<Producer<String, byte[]>> producers;
  private Producer<String, byte[]> producer;
  private final Clock clock;
  private final AtomicReference<Swap> pendingSwap = new AtomicReference<>();

  /**
   * Lagging frames seen per camera while it lags (sample-down mode); removed when it catches up.
   */
  private final Map<String, Long> laggingFrames = new HashMap<>();

  private volatile Backbone backbone;
  private BatchEmbedder embedder;
  private final Deque<Pending> buffer = new ArrayDeque<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean released = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile Throwable failure;
  private boolean opened;

  /** Frames one of whose outputs the broker refused as too large: they get a stub dead letter. */
  private final Set<BatchEmbedder.Source> stubbed = new HashSet<>();

  /** Producers replaced since the last committed batch. */
  private int recreatedInARow;

  private record Pending(ConsumerRecord<String, byte[]> record, long arrivedNanos) {}

  private record Swap(Backbone next, CompletableFuture<String> done) {}

  private record Drop(String camera, String reason) {}

  /**
   * Creates the service with real Kafka clients built from {@code config}; a producer whose
   * transaction state is lost is replaced by a new one built the same way.
   */
  public ExtractorService(ExtractorConfig config, Backbone backbone, ExtractorMetrics metrics) {
    this(
        config,
        backbone,
        metrics,
        new KafkaConsumer<>(config.consumerProperties()),
        () -> new KafkaProducer<>(config.producerProperties()),
        Clock.systemUTC());
  }

  /**
   * Creates the service with the given clients (tests pass mocks). The consumer must deserialize
   * keys as strings and values as bytes, the producer serialize them the same way; when {@code
   * config} is transactional the producer must have that transactional id.
   */
  public ExtractorService(
      ExtractorConfig config,
      Backbone backbone,
      ExtractorMetrics metrics,
      Consumer<String, byte[]> consumer,
      Producer<String, byte[]> producer) {
    this(config, backbone, metrics, consumer, producer, Clock.systemUTC());
  }

  /**
   * As the constructor above, with the clock the drop policy and the capture-time check compare
   * capture times with (tests move it; the service uses the system clock). A given {@link
   * KafkaProducer} whose transaction state is lost is replaced by a new one built from {@link
   * ExtractorConfig#producerProperties()}; any other producer cannot be replaced, and losing its
   * state stops the service.
   */
  public ExtractorService(
      ExtractorConfig config,
      Backbone backbone,
      ExtractorMetrics metrics,
      Consumer<String, byte[]> consumer,
      Producer<String, byte[]> producer,
      Clock clock) {
    this(
        config,
        backbone,
        metrics,
        consumer,
        replacing(Objects.requireNonNull(producer, "producer"), config),
        clock);
  }

  /**
   * Creates the service with a consumer and a source of producers: the first producer is taken at
   * once; a further one whenever the current one's transaction state is lost (fenced, fatal error),
   * the old one being closed first. The source returns {@code null} when it cannot make another.
   */
  public ExtractorService(
      ExtractorConfig config,
      Backbone backbone,
      ExtractorMetrics metrics,
      Consumer<String, byte[]> consumer,
      Supplier<Producer<String, byte[]>> producers,
      Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.config = Objects.requireNonNull(config, "config");
    this.backbone = Objects.requireNonNull(backbone, "backbone");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.producers = Objects.requireNonNull(producers, "producers");
    this.producer = Objects.requireNonNull(producers.get(), "the first producer");
    this.embedder = new BatchEmbedder(backbone, metrics, config, clock);
  }

  /** The given producer first, then new ones like it if it is a KafkaProducer, else none. */
  private static Supplier<Producer<String, byte[]>> replacing(
      Producer<String, byte[]> first, ExtractorConfig config) {
    AtomicBoolean given = new AtomicBoolean();
    return () -> {
      if (given.compareAndSet(false, true)) {
        return first;
      }
      return first instanceof KafkaProducer
          ? new KafkaProducer<>(config.producerProperties())
          : null;
    };
  }

  /**
   * Runs until {@link #close()} or a fatal error (authorization, a producer fenced again and again,
   * an {@link Error} such as {@link OutOfMemoryError} in the worker), which is rethrown after the
   * clients are closed and is kept for {@link #failure()}. A broker that is down (at start or
   * later) is waited for: start-up and commits are retried with backoff.
   */
  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("ExtractorService.run() may be called only once");
    }
    if (released.get()) {
      stopped.countDown();
      return; // closed before it ever ran
    }
    try {
      while (running) {
        step();
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
        throw e;
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      running = false;
      LOG.error("extractor worker failed, stopping", e);
      throw e;
    } finally {
      try {
        release();
      } finally {
        stopped.countDown();
      }
    }
    LOG.info("extractor stopped");
  }

  /**
   * What ended {@link #run()} when it did not end by {@link #close()}: the caller (the launcher)
   * must then exit non-zero. Empty while running and after a clean stop.
   */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Waits up to {@code timeout} for {@link #run()} to end.
   *
   * @return whether it ended
   */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * One cycle: collect a batch (waiting at most the poll timeout when idle), embed and publish it.
   * Package-private so tests can drive the loop without a thread.
   *
   * @return the number of frame records the cycle processed
   */
  int step() {
    open();
    installPendingBackbone();
    fill();
    if (buffer.isEmpty()) {
      return 0;
    }
    // every record taken here is committed with the batch; only the admitted ones are embedded
    List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(config.maxBatchSize());
    List<ConsumerRecord<String, byte[]>> admitted = new ArrayList<>(config.maxBatchSize());
    List<Drop> drops = new ArrayList<>();
    long now = clock.millis();
    long pixels = 0;
    while (!buffer.isEmpty() && admitted.size() < config.maxBatchSize()) {
      ConsumerRecord<String, byte[]> record = buffer.peekFirst().record();
      long framePixels = embedder.decodedPixels(record);
      if (!admitted.isEmpty() && pixels + framePixels > config.maxBatchPixels()) {
        break; // the rest waits for the next batch: decoded pixels held at once stay bounded
      }
      buffer.removeFirst();
      batch.add(record);
      String reason = dropReason(record, now);
      if (reason == null) {
        admitted.add(record);
        pixels += framePixels;
      } else {
        drops.add(new Drop(record.key(), reason));
      }
    }
    BatchEmbedder.Output output =
        admitted.isEmpty()
            ? new BatchEmbedder.Output(List.of(), 0, List.of(), List.of())
            : embedder.process(admitted, stubbed);
    if (publish(batch, output)) {
      if (!stubbed.isEmpty()) {
        batch.forEach(r -> stubbed.remove(BatchEmbedder.Source.of(r)));
      }
      for (int i = 0; i < output.embeddings(); i++) {
        metrics.embeddingProduced();
      }
      output.reasons().forEach(metrics::deadLetter);
      if (output.skipped() > 0) {
        metrics.framesSkipped(output.skipped());
      }
      drops.forEach(d -> metrics.frameDropped(d.camera(), d.reason()));
      if (!drops.isEmpty() && LOG.isDebugEnabled()) {
        LOG.debug("dropped {} lagging frames of a batch of {}", drops.size(), batch.size());
      }
    }
    return batch.size();
  }

  /**
   * Why the drop policy refuses {@code record} at {@code nowMs}, or null to embed it. Records
   * without a camera or capture time are admitted: the embedder dead-letters them.
   */
  private String dropReason(ConsumerRecord<String, byte[]> record, long nowMs) {
    String camera = record.key();
    long captureMs = BatchEmbedder.captureTime(record);
    if (!CameraIds.isValid(camera)
        || CaptureTimes.violation(captureMs, nowMs, config.maxCaptureAhead().toMillis()) != null) {
      return null;
    }
    long lag = CaptureTimes.minus(nowMs, captureMs);
    metrics.frameLag(Math.max(0, lag));
    if (!config.dropsLaggingFrames() || lag <= config.maxLag().toMillis()) {
      if (!laggingFrames.isEmpty()) {
        laggingFrames.remove(camera);
      }
      return null;
    }
    int k = config.lagSampleEvery();
    if (k == 1) {
      return ExtractorMetrics.REASON_LAG;
    }
    long n = laggingFrames.merge(camera, 1L, Long::sum);
    // the first lagging frame of a camera is kept, then every k-th
    return (n - 1) % k == 0 ? null : ExtractorMetrics.REASON_SAMPLE;
  }

  /**
   * Hands over a new backbone, put in service between two batches by the loop; the old one is
   * closed then. The returned future completes with the new backbone's id once it serves, or
   * exceptionally if the service stops first or another backbone is handed over before. The new
   * backbone must make vectors of the serving dimension (the detector's windows depend on it);
   * check that it loads and embeds before handing it over.
   *
   * @throws IllegalArgumentException if its dimension differs (the backbone is not taken over)
   */
  public CompletableFuture<String> swapBackbone(Backbone next) {
    Objects.requireNonNull(next, "next");
    Backbone serving = backbone;
    if (next.dimension() != serving.dimension()) {
      throw new IllegalArgumentException(
          "backbone "
              + next.id()
              + " makes "
              + next.dimension()
              + "-d embeddings, the serving "
              + serving.id()
              + " makes "
              + serving.dimension()
              + "-d ones: refused (a new dimension needs a new detector and a restart)");
    }
    CompletableFuture<String> done = new CompletableFuture<>();
    Swap previous = pendingSwap.getAndSet(new Swap(next, done));
    if (previous != null) {
      previous
          .done()
          .completeExceptionally(new IllegalStateException("superseded by backbone " + next.id()));
      closeQuietly("superseded backbone", previous.next()::close);
    }
    if (released.get()) {
      cancelPendingSwap();
    }
    return done;
  }

  /** The id of the backbone that embeds the next batch. */
  public String backboneId() {
    return backbone.id();
  }

  private void installPendingBackbone() {
    Swap swap = pendingSwap.getAndSet(null);
    if (swap == null) {
      return;
    }
    Backbone old = backbone;
    BatchEmbedder oldEmbedder = embedder;
    embedder = new BatchEmbedder(swap.next(), metrics, config, clock);
    backbone = swap.next();
    closeQuietly("decoder", oldEmbedder::close);
    closeQuietly("old backbone", old::close);
    LOG.info("backbone {} now serves (was {})", backbone.id(), old.id());
    swap.done().complete(backbone.id());
  }

  private void cancelPendingSwap() {
    Swap swap = pendingSwap.getAndSet(null);
    if (swap != null) {
      swap.done().completeExceptionally(new IllegalStateException("extractor stopped"));
      closeQuietly("pending backbone", swap.next()::close);
    }
  }

  private void open() {
    if (opened) {
      return;
    }
    opened = true;
    if (config.transactional()) {
      initTransactions();
    }
    consumer.subscribe(List.of(config.framesTopic()), new DropRevokedRecords());
    LOG.info(
        "extractor {} consuming {} as group {} ({}), batches of up to {} within {}",
        backbone.id(),
        config.framesTopic(),
        config.groupId(),
        config.transactional() ? "exactly-once" : "at-least-once",
        config.maxBatchSize(),
        config.maxWait());
    if (config.dropsLaggingFrames()) {
      LOG.info(
          "drop policy: frames older than {} when about to be embedded are {}",
          config.maxLag(),
          config.lagSampleEvery() == 1
              ? "dropped"
              : "sampled down to every " + config.lagSampleEvery() + "th per camera");
    }
  }

  /**
   * Polls until a full batch is buffered, the oldest frame's wait is over, or an idle poll ends.
   */
  private void fill() {
    long maxWaitNanos = config.maxWait().toNanos();
    while (running && buffer.size() < config.maxBatchSize()) {
      Duration timeout = config.pollTimeout();
      if (!buffer.isEmpty()) {
        long left = buffer.peekFirst().arrivedNanos() + maxWaitNanos - System.nanoTime();
        if (left <= 0) {
          return;
        }
        timeout = Duration.ofNanos(left);
      }
      long now = System.nanoTime();
      for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
        buffer.addLast(new Pending(record, now));
        metrics.frameConsumed();
      }
      if (buffer.isEmpty()) {
        return; // idle: let the caller check whether to stop
      }
    }
  }

  /** Sends the outputs and commits the batch's offsets; false (and re-read) when that fails. */
  private boolean publish(List<ConsumerRecord<String, byte[]>> batch, BatchEmbedder.Output output) {
    Map<TopicPartition, OffsetAndMetadata> offsets = nextOffsets(batch);
    boolean done =
        config.transactional()
            ? publishTransactionally(batch, output, offsets)
            : publishThenCommit(batch, output, offsets);
    if (done) {
      recreatedInARow = 0;
    }
    return done;
  }

  private boolean publishTransactionally(
      List<ConsumerRecord<String, byte[]>> batch,
      BatchEmbedder.Output output,
      Map<TopicPartition, OffsetAndMetadata> offsets) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(output.records().size());
    try {
      producer.beginTransaction();
      for (ProducerRecord<String, byte[]> record : output.records()) {
        acks.add(producer.send(record));
      }
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      if (!commitRetrying()) {
        return false; // stopping: the open transaction is aborted by the broker or the next owner
      }
      return true;
    } catch (AuthorizationException | UnsupportedVersionException e) {
      // a configuration problem: no new producer will do better
      running = false;
      throw new IllegalStateException("fatal producer error, extractor stops: " + e, e);
    } catch (ProducerFencedException
        | InvalidProducerEpochException
        | OutOfOrderSequenceException
        | InvalidPidMappingException e) {
      markTooLarge(acks, output.sources());
      replaceProducer(batch, e);
      return false;
    } catch (KafkaException | IllegalStateException e) {
      markTooLarge(acks, output.sources());
      LOG.warn(
          "transaction for a batch of {} failed, aborting and re-reading it: {}",
          batch.size(),
          e.toString());
      try {
        if (!abortRetrying()) {
          return false;
        }
      } catch (KafkaException | IllegalStateException fatal) {
        // the producer cannot even abort: its transaction state is lost
        replaceProducer(batch, fatal);
        return false;
      }
      rewind(batch);
      return false;
    }
  }

  /**
   * Commits the open transaction; a commit that times out (broker down) is retried, as Kafka
   * requires, until it succeeds or the service stops.
   *
   * @return false when the service stopped before the commit succeeded
   */
  private boolean commitRetrying() {
    long backoffMs = INITIAL_BACKOFF_MS;
    while (true) {
      try {
        producer.commitTransaction();
        return true;
      } catch (TimeoutException e) {
        if (!running) {
          return false;
        }
        LOG.warn(
            "committing a transaction timed out, retrying in {} ms: {}", backoffMs, e.toString());
        if (!sleep(backoffMs)) {
          return false;
        }
        backoffMs = Math.min(MAX_BACKOFF_MS, 2 * backoffMs);
      }
    }
  }

  /** Aborts the open transaction, retrying on time-outs; false when the service stopped first. */
  private boolean abortRetrying() {
    long backoffMs = INITIAL_BACKOFF_MS;
    while (true) {
      try {
        producer.abortTransaction();
        return true;
      } catch (TimeoutException e) {
        if (!running) {
          return false;
        }
        LOG.warn(
            "aborting a transaction timed out, retrying in {} ms: {}", backoffMs, e.toString());
        if (!sleep(backoffMs)) {
          return false;
        }
        backoffMs = Math.min(MAX_BACKOFF_MS, 2 * backoffMs);
      }
    }
  }

  /**
   * Initialises transactions, waiting for the broker with backoff while it cannot be reached.
   * Fencing at start-up (a newer instance owns the transactional id) and configuration errors are
   * fatal.
   */
  private void initTransactions() {
    long backoffMs = INITIAL_BACKOFF_MS;
    while (running) {
      try {
        producer.initTransactions();
        return;
      } catch (AuthorizationException | UnsupportedVersionException | ProducerFencedException e) {
        running = false;
        throw new IllegalStateException("fatal producer error, extractor stops: " + e, e);
      } catch (RetriableException e) {
        LOG.warn(
            "initialising transactions failed (broker unreachable?), retrying in {} ms: {}",
            backoffMs,
            e.toString());
        if (!sleep(backoffMs)) {
          return;
        }
        backoffMs = Math.min(MAX_BACKOFF_MS, 2 * backoffMs);
      }
    }
  }

  /**
   * Closes a producer whose transaction state is lost, puts a new one in its place and rewinds
   * every assigned partition to its committed offset (the outcome of the last commit may be
   * unknown, so the broker's committed offsets, not this batch, say where to resume).
   */
  private void replaceProducer(List<ConsumerRecord<String, byte[]>> batch, RuntimeException cause) {
    recreatedInARow++;
    closeQuietly("lost producer", () -> producer.close(Duration.ZERO));
    Producer<String, byte[]> next =
        recreatedInARow > MAX_PRODUCERS_IN_A_ROW ? null : producers.get();
    if (next == null) {
      running = false;
      throw new IllegalStateException("fatal producer error, extractor stops: " + cause, cause);
    }
    LOG.warn(
        "producer lost its transaction state ({}), replacing it ({} in a row) and re-reading from"
            + " the committed offsets",
        cause.toString(),
        recreatedInARow);
    producer = next;
    initTransactions();
    rewindToCommitted(batch);
  }

  /** Seeks every assigned partition to its committed offset and forgets what is buffered. */
  private void rewindToCommitted(List<ConsumerRecord<String, byte[]>> batch) {
    // where each partition's unpublished records start: the batch's come before the buffered ones
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : batch) {
      first.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
    }
    for (Pending pending : buffer) {
      ConsumerRecord<String, byte[]> record = pending.record();
      first.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
    }
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
    long backoffMs = INITIAL_BACKOFF_MS;
    while (running) {
      try {
        committed = consumer.committed(assigned);
        break;
      } catch (TimeoutException e) {
        LOG.warn("reading committed offsets timed out, retrying in {} ms", backoffMs);
        if (!sleep(backoffMs)) {
          break;
        }
        backoffMs = Math.min(MAX_BACKOFF_MS, 2 * backoffMs);
      }
    }
    buffer.clear();
    for (TopicPartition partition : assigned) {
      OffsetAndMetadata offset = committed == null ? null : committed.get(partition);
      if (offset != null) {
        consumer.seek(partition, offset);
      } else if (first.containsKey(partition)) {
        consumer.seek(partition, first.get(partition));
      }
    }
  }

  /** Remembers the frames whose outputs failed with {@link RecordTooLargeException}. */
  private void markTooLarge(
      List<Future<RecordMetadata>> acks, List<ConsumerRecord<String, byte[]>> sources) {
    for (int i = 0; i < acks.size() && i < sources.size(); i++) {
      Future<RecordMetadata> ack = acks.get(i);
      if (!ack.isDone()) {
        continue;
      }
      try {
        ack.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RecordTooLargeException) {
          ConsumerRecord<String, byte[]> source = sources.get(i);
          if (stubbed.size() < MAX_STUBBED) {
            stubbed.add(BatchEmbedder.Source.of(source));
          }
          LOG.warn(
              "an output of {}-{}@{} is too large for the broker; a stub dead letter replaces it",
              source.topic(),
              source.partition(),
              source.offset());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // cancelled: not a size problem
      }
    }
  }

  /** Sleeps; false (and stops) when interrupted or no longer running. */
  private boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return false;
    }
    return running;
  }

  private boolean publishThenCommit(
      List<ConsumerRecord<String, byte[]>> batch,
      BatchEmbedder.Output output,
      Map<TopicPartition, OffsetAndMetadata> offsets) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(output.records().size());
    try {
      for (ProducerRecord<String, byte[]> record : output.records()) {
        acks.add(producer.send(record));
      }
      producer.flush();
      for (Future<RecordMetadata> ack : acks) {
        ack.get();
      }
    } catch (ExecutionException | KafkaException e) {
      markTooLarge(acks, output.sources());
      LOG.warn("publishing a batch of {} failed, re-reading it: {}", batch.size(), e.toString());
      rewind(batch);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      rewind(batch);
      return false;
    }
    long backoffMs = INITIAL_BACKOFF_MS;
    while (true) {
      try {
        consumer.commitSync(offsets);
        return true;
      } catch (WakeupException e) {
        // close() raced with the commit: the outputs are out, so finish the commit before stopping
        consumer.commitSync(offsets);
        return true;
      } catch (RetriableException e) {
        // broker down: the outputs are out, so keep trying to commit (re-reading would duplicate)
        LOG.warn("committing offsets failed, retrying in {} ms: {}", backoffMs, e.toString());
        if (!sleep(backoffMs)) {
          return true; // stopping: at-least-once, the batch may be read again
        }
        backoffMs = Math.min(MAX_BACKOFF_MS, 2 * backoffMs);
      }
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      List<ConsumerRecord<String, byte[]>> batch) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : batch) {
      // records of one partition arrive in offset order, so the last one wins
      offsets.put(
          new TopicPartition(record.topic(), record.partition()),
          new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), ""));
    }
    return offsets;
  }

  /** Seeks every partition of a failed batch back to its first record and drops what followed. */
  private void rewind(List<ConsumerRecord<String, byte[]>> batch) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : batch) {
      first.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
    }
    buffer.removeIf(
        p -> first.containsKey(new TopicPartition(p.record().topic(), p.record().partition())));
    first.forEach(consumer::seek);
  }

  /** Stops the loop and waits (up to 30 s) until it has closed its clients. Idempotent. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    if (started.get()) {
      try {
        if (!stopped.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("extractor loop did not stop within {}", CLOSE_TIMEOUT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      release();
    }
  }

  private void release() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    closeQuietly("consumer", consumer::close);
    closeQuietly("producer", producer::close);
    closeQuietly("decoder", embedder::close);
    closeQuietly("backbone", backbone::close);
    cancelPendingSwap();
  }

  private static void closeQuietly(String what, Runnable close) {
    try {
      close.run();
    } catch (RuntimeException e) {
      LOG.warn("closing the {} failed", what, e);
    }
  }

  /** Forgets buffered records of partitions this instance no longer owns. */
  private final class DropRevokedRecords implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      buffer.removeIf(
          p -> partitions.contains(new TopicPartition(p.record().topic(), p.record().partition())));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }
  }
}
