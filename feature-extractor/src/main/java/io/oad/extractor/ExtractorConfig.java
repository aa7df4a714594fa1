package io.oad.extractor;

import io.oad.contract.CaptureTimes;
import io.oad.contract.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Validated settings of an {@link ExtractorService}. Build with {@link #builder()}.
 *
 * <p>{@code extraProperties} are passed to the Kafka clients: a key starting with {@code consumer.}
 * or {@code producer.} goes (without the prefix) only to that client, any other key to both.
 * Settings the service depends on (serializers, manual commits, transactions) are applied after
 * them and cannot be overridden.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
 * @param groupId consumer group id
 * @param maxBatchSize most frames per backbone call
 * @param maxWait longest time the first frame of a batch waits for more frames
 * @param pollTimeout how long an idle poll blocks (also bounds how fast an idle service notices a
 *     stop request that arrives between polls)
 * @param framesTopic input topic
 * @param embeddingsTopic output topic
 * @param deadLetterTopic topic for refused frames
 * @param transactionalId producer transactional id for exactly-once consume-produce, or {@code
 *     null} for at-least-once
 * @param maxLag the lag bound of the drop policy: a frame whose capture time is older than now
 *     minus {@code maxLag} when its batch is about to be embedded is not embedded (see {@link
 *     #lagSampleEvery()}); {@link Duration#ZERO} turns the policy off
 * @param lagSampleEvery what the drop policy does with frames beyond the lag bound: 1 drops them
 *     all (reason {@code lag}); k &gt; 1 keeps every k-th of them per camera and drops the others
 *     (reason {@code sample})
 * @param maxCaptureAhead how far a frame's capture time (its record timestamp) may be ahead of this
 *     process's clock; a frame further ahead (or with a negative capture time) is dead-lettered
 *     with reason {@code bad-capture-time}, so that no clock running ahead anchors a camera's step
 *     grid in the future (see {@link io.oad.contract.CaptureTimes})
 * @param maxFramePixels most pixels (width x height, as the JPEG header announces them) of one
 *     frame; larger frames are dead-lettered with reason {@code too-many-pixels} before any pixel
 *     is decoded
 * @param maxDecodedPixels most pixels a frame is decoded to: a larger frame is decoded subsampled
 *     by an integer factor (never below twice the backbone's input size), so a 4K frame does not
 *     cost the heap of a 4K image
 * @param maxBatchPixels most decoded pixels held for one batch; a batch stops taking frames before
 *     it would exceed this (the rest waits for the next batch), at least {@code maxDecodedPixels}
 * @param workers how many extractor workers one process runs ({@code extract.workers}, 1 to {@value
 *     #MAX_WORKERS}): each has its own consumer (same group, so Kafka splits the frames partitions
 *     among them), producer and backbone, and worker {@code i > 0} uses the transactional id {@code
 *     <id>-w<i>} ({@link #forWorker}); workers beyond the partition count idle
 * @param stepsPerSecond the detector's step rate ({@code detect.steps.per.second}), so that frames
 *     landing in a grid step ({@link io.oad.contract.StepGrid}) one of their camera's earlier
 *     frames already formed are decoded (for the next frame's motion) but not embedded: a detector
 *     predicting each step on its first frame (its default) never uses them; 0 (the default) embeds
 *     every frame. It must equal the detector's rate: with another one the detector would miss
 *     frames it needs
 * @param extraProperties further Kafka client properties
 */
public record ExtractorConfig(
    String bootstrapServers,
    String groupId,
    int maxBatchSize,
    Duration maxWait,
    Duration pollTimeout,
    String framesTopic,
    String embeddingsTopic,
    String deadLetterTopic,
    String transactionalId,
    Duration maxLag,
    int lagSampleEvery,
    Duration maxCaptureAhead,
    long maxFramePixels,
    long maxDecodedPixels,
    long maxBatchPixels,
    int workers,
    double stepsPerSecond,
    Map<String, Object> extraProperties) {
  /** Default consumer group id. */
  public static final String DEFAULT_GROUP_ID = "oad-extractor";

  /** Default {@link #maxBatchSize()}. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 16;

  /** Default {@link #maxWait()}. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(20);

  /** Default {@link #pollTimeout()}. */
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(200);

  /**
   * Default {@link #maxLag()}: off. Dropping is a decision for live cameras; replays (evaluation
   * through the pipeline, a backlog after downtime that must be processed) would lose every frame.
   */
  public static final Duration DEFAULT_MAX_LAG = Duration.ZERO;

  /** Largest accepted {@link #maxLag()}. */
  public static final Duration MAX_LAG_LIMIT = Duration.ofHours(1);

  /** Largest accepted {@link #lagSampleEvery()}. */
  public static final int LAG_SAMPLE_EVERY_LIMIT = 1000;

  /** Largest accepted {@link #maxBatchSize()}. */
  public static final int MAX_BATCH_SIZE_LIMIT = 4096;

  /** Default {@link #maxCaptureAhead()}: one minute. */
  public static final Duration DEFAULT_MAX_CAPTURE_AHEAD =
      Duration.ofMillis(CaptureTimes.DEFAULT_MAX_AHEAD_MS);

  /** Largest accepted {@link #maxCaptureAhead()}. */
  public static final Duration MAX_CAPTURE_AHEAD_LIMIT = Duration.ofDays(1);

  /** Default {@link #maxFramePixels()}: 3840 x 2160 (4K UHD). */
  public static final long DEFAULT_MAX_FRAME_PIXELS = FrameDecoder.DEFAULT_MAX_PIXELS;

  /** Default {@link #maxDecodedPixels()}: 1280 x 720. */
  public static final long DEFAULT_MAX_DECODED_PIXELS = FrameDecoder.DEFAULT_MAX_DECODED_PIXELS;

  /** Default {@link #maxBatchPixels()}: 16 frames of 1280 x 720. */
  public static final long DEFAULT_MAX_BATCH_PIXELS = 16 * DEFAULT_MAX_DECODED_PIXELS;

  /** Largest accepted {@link #maxFramePixels()}: 8192 x 8192. */
  public static final long MAX_FRAME_PIXELS_LIMIT =
      (long) FrameDecoder.MAX_SIDE * FrameDecoder.MAX_SIDE;

  /** Largest accepted {@link #maxBatchPixels()}. */
  public static final long MAX_BATCH_PIXELS_LIMIT = 256L * 1024 * 1024;

  /** Default {@link #workers()}: one worker, one thread. */
  public static final int DEFAULT_WORKERS = 1;

  /** Largest accepted {@link #workers()}. */
  public static final int MAX_WORKERS = 64;

  /** The configuration key of {@link #workers()} (named in its error message). */
  public static final String WORKERS_KEY = "extract.workers";

  /** Largest accepted {@link #stepsPerSecond()}: one step per millisecond, as the detector's. */
  public static final double MAX_STEPS_PER_SECOND = 1000.0;

  /** Kafka's default {@code max.request.size}. */
  private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

  private static final String CONSUMER_PREFIX = "consumer.";
  private static final String PRODUCER_PREFIX = "producer.";

  /** Validates every field; the message names the broken rule. */
  public ExtractorConfig {
    bootstrapServers = requireText(bootstrapServers, "bootstrapServers");
    groupId = requireText(groupId, "groupId");
    framesTopic = requireText(framesTopic, "framesTopic");
    embeddingsTopic = requireText(embeddingsTopic, "embeddingsTopic");
    deadLetterTopic = requireText(deadLetterTopic, "deadLetterTopic");
    if (new HashSet<>(List.of(framesTopic, embeddingsTopic, deadLetterTopic)).size() != 3) {
      throw new IllegalArgumentException(
          "frames, embeddings and dead-letter topics must differ: "
              + framesTopic
              + ", "
              + embeddingsTopic
              + ", "
              + deadLetterTopic);
    }
    if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE_LIMIT) {
      throw new IllegalArgumentException(
          "maxBatchSize must be in 1.." + MAX_BATCH_SIZE_LIMIT + ": " + maxBatchSize);
    }
    requireBetween(maxWait, "maxWait", Duration.ZERO);
    if (!(stepsPerSecond >= 0) || stepsPerSecond > MAX_STEPS_PER_SECOND) {
      throw new IllegalArgumentException(
          "stepsPerSecond must be 0 (embed every frame) or in (0, "
              + MAX_STEPS_PER_SECOND
              + "]: "
              + stepsPerSecond);
    }
    requireBetween(pollTimeout, "pollTimeout", Duration.ofMillis(1));
    if (transactionalId != null && transactionalId.isBlank()) {
      throw new IllegalArgumentException("transactionalId must be null or non-blank");
    }
    Objects.requireNonNull(maxLag, "maxLag must not be null");
    if (maxLag.isNegative() || maxLag.compareTo(MAX_LAG_LIMIT) > 0) {
      throw new IllegalArgumentException(
          "maxLag must be in PT0S (off).." + MAX_LAG_LIMIT + ": " + maxLag);
    }
    if (lagSampleEvery < 1 || lagSampleEvery > LAG_SAMPLE_EVERY_LIMIT) {
      throw new IllegalArgumentException(
          "lagSampleEvery must be in 1.." + LAG_SAMPLE_EVERY_LIMIT + ": " + lagSampleEvery);
    }
    Objects.requireNonNull(maxCaptureAhead, "maxCaptureAhead must not be null");
    if (maxCaptureAhead.isNegative() || maxCaptureAhead.compareTo(MAX_CAPTURE_AHEAD_LIMIT) > 0) {
      throw new IllegalArgumentException(
          "maxCaptureAhead must be in PT0S.." + MAX_CAPTURE_AHEAD_LIMIT + ": " + maxCaptureAhead);
    }
    if (maxFramePixels < 1 || maxFramePixels > MAX_FRAME_PIXELS_LIMIT) {
      throw new IllegalArgumentException(
          "maxFramePixels must be in 1.." + MAX_FRAME_PIXELS_LIMIT + ": " + maxFramePixels);
    }
    if (maxDecodedPixels < 1 || maxDecodedPixels > maxFramePixels) {
      throw new IllegalArgumentException(
          "maxDecodedPixels must be in 1..maxFramePixels ("
              + maxFramePixels
              + "): "
              + maxDecodedPixels);
    }
    if (maxBatchPixels < maxDecodedPixels || maxBatchPixels > MAX_BATCH_PIXELS_LIMIT) {
      throw new IllegalArgumentException(
          "maxBatchPixels must be in maxDecodedPixels ("
              + maxDecodedPixels
              + ").."
              + MAX_BATCH_PIXELS_LIMIT
              + ": "
              + maxBatchPixels);
    }
    if (workers < 1 || workers > MAX_WORKERS) {
      throw new IllegalArgumentException(
          WORKERS_KEY + " (workers) must be in 1.." + MAX_WORKERS + ": " + workers);
    }
    extraProperties =
        Map.copyOf(Objects.requireNonNull(extraProperties, "extraProperties must not be null"));
  }

  /** A builder with every default set; only the bootstrap servers are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the drop policy is on ({@link #maxLag()} is positive). */
  public boolean dropsLaggingFrames() {
    return !maxLag.isZero();
  }

  /**
   * The settings of worker {@code worker} (0-based) of a process running {@link #workers()}
   * workers: the same, except that worker {@code i > 0} of a transactional configuration uses the
   * transactional id {@code <transactionalId>-w<i>} (worker 0 keeps it unchanged, so one worker is
   * exactly the single-worker set-up). Each worker is its own transactional producer; two processes
   * configured with the same id still fence each other, worker by worker.
   */
  public ExtractorConfig forWorker(int worker) {
    if (worker < 0 || worker >= workers) {
      throw new IllegalArgumentException("worker must be in 0.." + (workers - 1) + ": " + worker);
    }
    if (worker == 0 || !transactional()) {
      return this;
    }
    return new ExtractorConfig(
        bootstrapServers,
        groupId,
        maxBatchSize,
        maxWait,
        pollTimeout,
        framesTopic,
        embeddingsTopic,
        deadLetterTopic,
        transactionalId + "-w" + worker,
        maxLag,
        lagSampleEvery,
        maxCaptureAhead,
        maxFramePixels,
        maxDecodedPixels,
        maxBatchPixels,
        workers,
        stepsPerSecond,
        extraProperties);
  }

  /** Whether the service runs exactly-once with Kafka transactions. */
  public boolean transactional() {
    return transactionalId != null;
  }

  /** Properties for the {@code KafkaConsumer<String, byte[]>} of the frames topic. */
  public Map<String, Object> consumerProperties() {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a few batches per poll: records beyond the current batch wait in memory, uncommitted
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 4 * maxBatchSize);
    props.putAll(clientExtras(CONSUMER_PREFIX, PRODUCER_PREFIX));
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    if (transactional()) {
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
    return props;
  }

  /**
   * The producer's {@code max.request.size} (Kafka's default, 1 MiB, unless set in the extra
   * properties): a dead letter whose copy would be larger is sent as a stub.
   */
  public int maxRequestSize() {
    Object value = producerProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    if (value == null) {
      return DEFAULT_MAX_REQUEST_SIZE;
    }
    try {
      return value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString().trim());
    } catch (NumberFormatException e) {
      return DEFAULT_MAX_REQUEST_SIZE;
    }
  }

  /** Properties for the {@code KafkaProducer<String, byte[]>} of embeddings and dead letters. */
  public Map<String, Object> producerProperties() {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.putAll(clientExtras(PRODUCER_PREFIX, CONSUMER_PREFIX));
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // idempotence keeps each camera's records in order across retries
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    if (transactional()) {
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    } else {
      props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    }
    return props;
  }

  private Map<String, Object> clientExtras(String own, String other) {
    Map<String, Object> props = new LinkedHashMap<>();
    extraProperties.forEach(
        (key, value) -> {
          if (key.startsWith(own)) {
            props.put(key.substring(own.length()), value);
          } else if (!key.startsWith(other)) {
            props.putIfAbsent(key, value);
          }
        });
    return props;
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value.trim();
  }

  private static void requireBetween(Duration value, String name, Duration min) {
    Objects.requireNonNull(value, name + " must not be null");
    if (value.compareTo(min) < 0 || value.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(name + " must be in " + min + "..PT1M: " + value);
    }
  }

  /** Builder: {@code setX} for required fields, {@code optX} for the rest. */
  public static final class Builder {
    private String bootstrapServers;
    private String groupId = DEFAULT_GROUP_ID;
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
    private String framesTopic = Topics.FRAMES;
    private String embeddingsTopic = Topics.EMBEDDINGS;
    private String deadLetterTopic = Topics.DEADLETTER;
    private String transactionalId;
    private Duration maxLag = DEFAULT_MAX_LAG;
    private int lagSampleEvery = 1;
    private Duration maxCaptureAhead = DEFAULT_MAX_CAPTURE_AHEAD;
    private long maxFramePixels = DEFAULT_MAX_FRAME_PIXELS;
    private long maxDecodedPixels = DEFAULT_MAX_DECODED_PIXELS;
    private long maxBatchPixels = DEFAULT_MAX_BATCH_PIXELS;
    private int workers = DEFAULT_WORKERS;
    private double stepsPerSecond;
    private final Map<String, Object> extraProperties = new LinkedHashMap<>();

    private Builder() {}

    public Builder setBootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    public Builder optGroupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    public Builder optMaxBatchSize(int maxBatchSize) {
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    public Builder optMaxWait(Duration maxWait) {
      this.maxWait = maxWait;
      return this;
    }

    public Builder optPollTimeout(Duration pollTimeout) {
      this.pollTimeout = pollTimeout;
      return this;
    }

    public Builder optFramesTopic(String framesTopic) {
      this.framesTopic = framesTopic;
      return this;
    }

    public Builder optEmbeddingsTopic(String embeddingsTopic) {
      this.embeddingsTopic = embeddingsTopic;
      return this;
    }

    public Builder optDeadLetterTopic(String deadLetterTopic) {
      this.deadLetterTopic = deadLetterTopic;
      return this;
    }

    /** Enables exactly-once consume-produce with this transactional id (unique per instance). */
    public Builder optTransactionalId(String transactionalId) {
      this.transactionalId = transactionalId;
      return this;
    }

    /**
     * Turns the drop policy on: frames older than {@code maxLag} when about to be embedded are
     * dropped; {@link Duration#ZERO} (the default) turns it off.
     */
    public Builder optMaxLag(Duration maxLag) {
      this.maxLag = maxLag;
      return this;
    }

    /**
     * Samples down instead of dropping everything beyond the lag bound: keeps every {@code k}-th
     * lagging frame per camera (1, the default, drops them all).
     */
    public Builder optLagSampleEvery(int k) {
      this.lagSampleEvery = k;
      return this;
    }

    /** How far ahead of this process's clock a capture time may be (default one minute). */
    public Builder optMaxCaptureAhead(Duration maxCaptureAhead) {
      this.maxCaptureAhead = maxCaptureAhead;
      return this;
    }

    /** Most pixels of one frame; larger ones are dead-lettered (default 3840 x 2160). */
    public Builder optMaxFramePixels(long maxFramePixels) {
      this.maxFramePixels = maxFramePixels;
      return this;
    }

    /** Most pixels a frame is decoded to; larger ones are subsampled (default 1280 x 720). */
    public Builder optMaxDecodedPixels(long maxDecodedPixels) {
      this.maxDecodedPixels = maxDecodedPixels;
      return this;
    }

    /** Most decoded pixels per batch (default 16 x 1280 x 720). */
    public Builder optMaxBatchPixels(long maxBatchPixels) {
      this.maxBatchPixels = maxBatchPixels;
      return this;
    }

    /**
     * Workers of one process ({@code extract.workers}, default 1), each with its own consumer,
     * producer and backbone.
     */
    public Builder optWorkers(int workers) {
      this.workers = workers;
      return this;
    }

    /**
     * The detector's step rate: frames in a step their camera already formed are not embedded (0,
     * the default: every frame is).
     */
    public Builder optStepsPerSecond(double stepsPerSecond) {
      this.stepsPerSecond = stepsPerSecond;
      return this;
    }

    /** Adds one Kafka client property (see the class comment for prefixes). */
    public Builder optProperty(String key, Object value) {
      extraProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    /** Adds Kafka client properties (see the class comment for prefixes). */
    public Builder optProperties(Map<String, ?> properties) {
      properties.forEach(this::optProperty);
      return this;
    }

    /**
     * Validates and builds; the message of an {@link IllegalArgumentException} says what is wrong.
     */
    public ExtractorConfig build() {
      return new ExtractorConfig(
          bootstrapServers,
          groupId,
          maxBatchSize,
          maxWait,
          pollTimeout,
          framesTopic,
          embeddingsTopic,
          deadLetterTopic,
          transactionalId,
          maxLag,
          lagSampleEvery,
          maxCaptureAhead,
          maxFramePixels,
          maxDecodedPixels,
          maxBatchPixels,
          workers,
          stepsPerSecond,
          extraProperties);
    }
  }
}
