package io.oad.topology;

import io.oad.contract.CaptureTimes;
import io.oad.contract.Topics;
import io.oad.topology.internal.DeadLetters;
import io.oad.topology.internal.DetectorDeserializationExceptionHandler;
import io.oad.topology.internal.DetectorProcessingExceptionHandler;
import io.oad.topology.internal.DetectorProductionExceptionHandler;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Typed, validated configuration of the detector application (the {@code detect} role; named apart
 * from Kafka Streams' own {@code TopologyConfig}). Keys it defines use Kafka Streams' own names
 * where one exists ({@code application.id}, {@code bootstrap.servers}, ...) plus {@code detect.*}
 * topic names, step timing and event rules (see {@code docs/time-and-events.md}); every other key
 * is passed through unchanged to Kafka Streams. {@link #streamsProperties()} builds the Kafka
 * Streams properties, always with explicit internal resource naming enforced and the dead-letter
 * queue and exception handlers set.
 *
 * <p>Batching across cameras: {@value #DETECT_BATCH_MAX_CONFIG} (default 32) and {@value
 * #DETECT_BATCH_MAX_WAIT_MS_CONFIG} (default 20 ms) bound how many steps one model call scores and
 * how long a step waits for others; {@code 1} or {@code 0} turns batching off (every step scored
 * alone the moment it is due). Batches span all tasks of a stream thread. A step waiting in a batch
 * is marked not yet predicted in the changelogged window store, so a commit while it waits is safe:
 * after a crash (or a task that closes before the batch ran) the restored task finds the step in
 * its store and predicts it then; with exactly-once every step still gets exactly one prediction.
 * With batching on, Kafka Streams' {@code poll.ms} defaults to the wait (at most 100 ms) so that an
 * idle thread wakes up in time to score a partial batch.
 *
 * <p>Hostile input and state growth (issue 13): {@value #MAX_CAPTURE_AHEAD_MS_CONFIG}, {@value
 * #CAMERA_RETENTION_MS_CONFIG} and {@value #MAX_RECORD_BYTES_CONFIG} ({@link #limits()}). Keys that
 * break the camera-id rule ({@code io.oad.contract.CameraIds}) are always dead-lettered. Dead
 * letters and outputs always fit the broker (see {@code DeadLetters}).
 */
public final class DetectConfig extends AbstractConfig {
  public static final String APPLICATION_ID_CONFIG = StreamsConfig.APPLICATION_ID_CONFIG;
  private static final String APPLICATION_ID_DOC =
      "Kafka Streams application id (consumer group, internal topic prefix).";
  public static final String DEFAULT_APPLICATION_ID = "oad-detector";

  public static final String BOOTSTRAP_SERVERS_CONFIG = StreamsConfig.BOOTSTRAP_SERVERS_CONFIG;
  private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers, host:port[,host:port...].";

  public static final String STATE_DIR_CONFIG = StreamsConfig.STATE_DIR_CONFIG;
  private static final String STATE_DIR_DOC =
      "Directory of the local state stores; Kafka Streams' default when empty.";

  public static final String PROCESSING_GUARANTEE_CONFIG =
      StreamsConfig.PROCESSING_GUARANTEE_CONFIG;
  private static final String PROCESSING_GUARANTEE_DOC =
      "exactly_once_v2 (default) or at_least_once.";

  public static final String NUM_STREAM_THREADS_CONFIG = StreamsConfig.NUM_STREAM_THREADS_CONFIG;
  private static final String NUM_STREAM_THREADS_DOC =
      "Stream threads in this instance; each task owns one model.";

  public static final String COMMIT_INTERVAL_MS_CONFIG = StreamsConfig.COMMIT_INTERVAL_MS_CONFIG;
  private static final String COMMIT_INTERVAL_MS_DOC =
      "How often offsets and state are committed (and, with exactly-once, how long output stays invisible).";

  public static final String EMBEDDINGS_TOPIC_CONFIG = "detect.embeddings.topic";
  private static final String EMBEDDINGS_TOPIC_DOC = "Input topic of embeddings.";

  public static final String PREDICTIONS_TOPIC_CONFIG = "detect.predictions.topic";
  private static final String PREDICTIONS_TOPIC_DOC = "Output topic of predictions.";

  public static final String DEADLETTER_TOPIC_CONFIG = "detect.deadletter.topic";
  private static final String DEADLETTER_TOPIC_DOC =
      "Dead-letter topic for records that cannot be processed.";

  public static final String EVENTS_TOPIC_CONFIG = "detect.events.topic";
  private static final String EVENTS_TOPIC_DOC = "Output topic of action and camera events.";

  public static final String STEPS_PER_SECOND_CONFIG = "detect.steps.per.second";
  private static final String STEPS_PER_SECOND_DOC =
      "Model steps per second of capture time; frames are mapped onto steps of 1/this seconds.";

  public static final String GAP_MAX_STEPS_CONFIG = "detect.gap.max.steps";
  private static final String GAP_MAX_STEPS_DOC =
      "Steps without any frame that are padded by repeating the last step; a longer gap resets the"
          + " camera's window (cold start).";

  public static final String STEP_EMIT_CONFIG = "detect.step.emit";
  private static final String STEP_EMIT_DOC =
      "When a step is predicted: 'first' = as soon as its first frame arrives (no added latency; further"
          + " frames of the same step are dropped as extra_frame), 'last' = when the step closes, from its"
          + " last frame (adds up to one step of latency).";

  public static final String STEP_IDLE_CLOSE_MS_CONFIG = "detect.step.idle.close.ms";
  private static final String STEP_IDLE_CLOSE_MS_DOC =
      "Wall-clock silence of a camera after which its open step is closed and predicted without"
          + " waiting for a frame of a later step (so a camera's last step is not held back); 0"
          + " disables.";

  public static final String STEP_MAX_LAG_MS_CONFIG = "detect.step.max.lag.ms";
  private static final String STEP_MAX_LAG_MS_DOC =
      "Bounded latency under overload: an embedding captured more than this many ms before the"
          + " detector reaches it is dropped (reason 'stale') and its step counts as missing (padded"
          + " up to detect.gap.max.steps, a window reset beyond); 0 = use every embedding however late"
          + " (replays, backlogs).";

  public static final String START_THRESHOLD_CONFIG = "detect.event.start.threshold";
  private static final String START_THRESHOLD_DOC =
      "An action starts when its score exceeds this for detect.event.min.duration.steps steps.";

  public static final String END_THRESHOLD_CONFIG = "detect.event.end.threshold";
  private static final String END_THRESHOLD_DOC =
      "An active action ends at the first step whose score is below this; <= start threshold.";

  public static final String MIN_DURATION_STEPS_CONFIG = "detect.event.min.duration.steps";
  private static final String MIN_DURATION_STEPS_DOC =
      "Consecutive steps above the start threshold needed to start an action.";

  public static final String COOLDOWN_MS_CONFIG = "detect.event.cooldown.ms";
  private static final String COOLDOWN_MS_DOC =
      "Capture time after an action ended during which the same action cannot start again on that"
          + " camera.";

  public static final String ANTICIPATION_THRESHOLD_CONFIG = "detect.event.anticipation.threshold";
  private static final String ANTICIPATION_THRESHOLD_DOC =
      "A future step predicting an inactive action with at least this score raises one"
          + " ACTION_ANTICIPATED per episode.";

  public static final String CAMERA_OFFLINE_MS_CONFIG = "detect.camera.offline.ms";
  private static final String CAMERA_OFFLINE_MS_DOC =
      "Wall-clock silence after which a camera is reported CAMERA_OFFLINE.";

  public static final String DETECT_BATCH_MAX_CONFIG = "detect.batch.max";
  private static final String DETECT_BATCH_MAX_DOC =
      "Most steps scored in one model call, over all cameras and tasks of a stream thread; 1 scores"
          + " every step alone.";

  public static final String DETECT_BATCH_MAX_WAIT_MS_CONFIG = "detect.batch.max.wait.ms";
  private static final String DETECT_BATCH_MAX_WAIT_MS_DOC =
      "Longest a step waits (wall clock) for the batch to fill before it is scored; 0 scores at"
          + " once (no batching). Bounds the latency batching adds.";

  /**
   * {@value}: how far ahead of the detector's wall clock an embedding's capture time may be, in ms;
   * default 60000 (one minute, {@code CaptureTimes.DEFAULT_MAX_AHEAD_MS}), range 0 to 86400000 (one
   * day). A capture time further ahead, or a negative one, is dead-lettered with the reason and
   * counted as {@code bad_capture_time} before it touches any state, so it never anchors or moves a
   * camera's step grid. Old capture times are accepted (replays).
   */
  public static final String MAX_CAPTURE_AHEAD_MS_CONFIG = "detect.max.capture.ahead.ms";

  private static final String MAX_CAPTURE_AHEAD_MS_DOC =
      "Largest accepted lead of an embedding's capture time over the wall clock, in ms; a later"
          + " or negative capture time is dead-lettered (reason bad_capture_time) before it"
          + " touches any state. 0 to 86400000.";

  /** Largest accepted {@link #MAX_CAPTURE_AHEAD_MS_CONFIG}: one day. */
  public static final long MAX_CAPTURE_AHEAD_MS_LIMIT = 86_400_000L;

  /**
   * {@value}: wall-clock silence in ms after which a camera is removed from {@code camera-windows},
   * {@code camera-episodes} and {@code camera-last-seen} (deletes, so tombstones in the
   * changelogs); an action still active then gets its ACTION_ENDED first. Default 86400000 (one
   * day); at least 1 and strictly greater than {@value #CAMERA_OFFLINE_MS_CONFIG}. The store is
   * swept every retention/8 (at least every second, at most every hour), so a camera is removed at
   * most one sweep interval after the retention has passed (for the default: within 25 h).
   */
  public static final String CAMERA_RETENTION_MS_CONFIG = "detect.camera.retention.ms";

  private static final String CAMERA_RETENTION_MS_DOC =
      "Wall-clock silence after which a camera's state is deleted from every store (tombstones);"
          + " must exceed detect.camera.offline.ms.";

  /**
   * {@value}: largest record, in bytes of key, value and headers, the detector sends to its output
   * and dead-letter topics; default 524288 (512 KiB), range 8192 to 1073741824, and never more than
   * the producer's {@code max.request.size} (passed through, default 1048576) minus 1 KiB. A
   * prediction or event that would be larger is dead-lettered as a stub and counted as {@code
   * unsendable} instead of being sent (under exactly-once an oversized send would make the
   * transaction abort); a dead-letter copy that would be larger becomes a stub without value.
   */
  public static final String MAX_RECORD_BYTES_CONFIG = "detect.max.record.bytes";

  private static final String MAX_RECORD_BYTES_DOC =
      "Largest output or dead-letter record the detector sends (key + value + headers), at most"
          + " the producer's max.request.size minus 1 KiB; larger ones become dead-letter stubs.";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              APPLICATION_ID_CONFIG,
              Type.STRING,
              DEFAULT_APPLICATION_ID,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              APPLICATION_ID_DOC)
          .define(
              BOOTSTRAP_SERVERS_CONFIG,
              Type.STRING,
              "localhost:9092",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              BOOTSTRAP_SERVERS_DOC)
          .define(STATE_DIR_CONFIG, Type.STRING, "", Importance.MEDIUM, STATE_DIR_DOC)
          .define(
              PROCESSING_GUARANTEE_CONFIG,
              Type.STRING,
              StreamsConfig.EXACTLY_ONCE_V2,
              ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
              Importance.HIGH,
              PROCESSING_GUARANTEE_DOC)
          .define(
              NUM_STREAM_THREADS_CONFIG,
              Type.INT,
              1,
              Range.atLeast(1),
              Importance.MEDIUM,
              NUM_STREAM_THREADS_DOC)
          .define(
              COMMIT_INTERVAL_MS_CONFIG,
              Type.LONG,
              100L,
              Range.atLeast(0),
              Importance.MEDIUM,
              COMMIT_INTERVAL_MS_DOC)
          .define(
              EMBEDDINGS_TOPIC_CONFIG,
              Type.STRING,
              Topics.EMBEDDINGS,
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              EMBEDDINGS_TOPIC_DOC)
          .define(
              PREDICTIONS_TOPIC_CONFIG,
              Type.STRING,
              Topics.PREDICTIONS,
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              PREDICTIONS_TOPIC_DOC)
          .define(
              DEADLETTER_TOPIC_CONFIG,
              Type.STRING,
              Topics.DEADLETTER,
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              DEADLETTER_TOPIC_DOC)
          .define(
              EVENTS_TOPIC_CONFIG,
              Type.STRING,
              Topics.EVENTS,
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              EVENTS_TOPIC_DOC)
          .define(
              STEPS_PER_SECOND_CONFIG,
              Type.DOUBLE,
              4.0,
              Range.between(0.01, StepTiming.MAX_STEPS_PER_SECOND),
              Importance.MEDIUM,
              STEPS_PER_SECOND_DOC)
          .define(
              GAP_MAX_STEPS_CONFIG,
              Type.INT,
              8,
              Range.atLeast(0),
              Importance.MEDIUM,
              GAP_MAX_STEPS_DOC)
          .define(
              STEP_EMIT_CONFIG,
              Type.STRING,
              "first",
              ConfigDef.ValidString.in("first", "last"),
              Importance.MEDIUM,
              STEP_EMIT_DOC)
          .define(
              STEP_IDLE_CLOSE_MS_CONFIG,
              Type.LONG,
              1_000L,
              Range.atLeast(0),
              Importance.LOW,
              STEP_IDLE_CLOSE_MS_DOC)
          .define(
              STEP_MAX_LAG_MS_CONFIG,
              Type.LONG,
              0L,
              Range.atLeast(0),
              Importance.MEDIUM,
              STEP_MAX_LAG_MS_DOC)
          .define(
              START_THRESHOLD_CONFIG,
              Type.DOUBLE,
              0.6,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              START_THRESHOLD_DOC)
          .define(
              END_THRESHOLD_CONFIG,
              Type.DOUBLE,
              0.4,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              END_THRESHOLD_DOC)
          .define(
              MIN_DURATION_STEPS_CONFIG,
              Type.INT,
              2,
              Range.atLeast(1),
              Importance.MEDIUM,
              MIN_DURATION_STEPS_DOC)
          .define(
              COOLDOWN_MS_CONFIG,
              Type.LONG,
              2_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              COOLDOWN_MS_DOC)
          .define(
              ANTICIPATION_THRESHOLD_CONFIG,
              Type.DOUBLE,
              0.6,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              ANTICIPATION_THRESHOLD_DOC)
          .define(
              CAMERA_OFFLINE_MS_CONFIG,
              Type.LONG,
              10_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              CAMERA_OFFLINE_MS_DOC)
          .define(
              DETECT_BATCH_MAX_CONFIG,
              Type.INT,
              DetectBatching.defaults().maxBatch(),
              Range.between(1, DetectBatching.MAX_BATCH),
              Importance.MEDIUM,
              DETECT_BATCH_MAX_DOC)
          .define(
              DETECT_BATCH_MAX_WAIT_MS_CONFIG,
              Type.LONG,
              DetectBatching.defaults().maxWaitMs(),
              Range.between(0, DetectBatching.MAX_WAIT_MS),
              Importance.MEDIUM,
              DETECT_BATCH_MAX_WAIT_MS_DOC)
          .define(
              MAX_CAPTURE_AHEAD_MS_CONFIG,
              Type.LONG,
              CaptureTimes.DEFAULT_MAX_AHEAD_MS,
              Range.between(0, MAX_CAPTURE_AHEAD_MS_LIMIT),
              Importance.MEDIUM,
              MAX_CAPTURE_AHEAD_MS_DOC)
          .define(
              CAMERA_RETENTION_MS_CONFIG,
              Type.LONG,
              DetectLimits.DEFAULT_CAMERA_RETENTION_MS,
              Range.atLeast(1),
              Importance.MEDIUM,
              CAMERA_RETENTION_MS_DOC)
          .define(
              MAX_RECORD_BYTES_CONFIG,
              Type.INT,
              DetectLimits.DEFAULT_MAX_RECORD_BYTES,
              Range.between(DetectLimits.MIN_MAX_RECORD_BYTES, 1 << 30),
              Importance.LOW,
              MAX_RECORD_BYTES_DOC);

  /**
   * Parses and validates {@code props}.
   *
   * @throws org.apache.kafka.common.config.ConfigException naming the bad key
   */
  public DetectConfig(Map<?, ?> props) {
    super(CONFIG, props, false);
    if (getDouble(END_THRESHOLD_CONFIG) > getDouble(START_THRESHOLD_CONFIG)) {
      throw new ConfigException(
          END_THRESHOLD_CONFIG,
          getDouble(END_THRESHOLD_CONFIG),
          "must not exceed " + START_THRESHOLD_CONFIG + " = " + getDouble(START_THRESHOLD_CONFIG));
    }
    if (getLong(CAMERA_RETENTION_MS_CONFIG) <= getLong(CAMERA_OFFLINE_MS_CONFIG)) {
      throw new ConfigException(
          CAMERA_RETENTION_MS_CONFIG,
          getLong(CAMERA_RETENTION_MS_CONFIG),
          "must exceed " + CAMERA_OFFLINE_MS_CONFIG + " = " + getLong(CAMERA_OFFLINE_MS_CONFIG));
    }
    options(); // the remaining cross-field rules
  }

  /** The definition, e.g. to print documentation. */
  public static ConfigDef configDef() {
    return CONFIG;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  public String applicationId() {
    return getString(APPLICATION_ID_CONFIG);
  }

  public String bootstrapServers() {
    return getString(BOOTSTRAP_SERVERS_CONFIG);
  }

  public String processingGuarantee() {
    return getString(PROCESSING_GUARANTEE_CONFIG);
  }

  public int numStreamThreads() {
    return getInt(NUM_STREAM_THREADS_CONFIG);
  }

  public long commitIntervalMs() {
    return getLong(COMMIT_INTERVAL_MS_CONFIG);
  }

  public String deadLetterTopic() {
    return getString(DEADLETTER_TOPIC_CONFIG);
  }

  /** How frames map onto model steps. */
  public StepTiming timing() {
    return new StepTiming(
        getDouble(STEPS_PER_SECOND_CONFIG),
        getInt(GAP_MAX_STEPS_CONFIG),
        getLong(STEP_IDLE_CLOSE_MS_CONFIG),
        "first".equals(getString(STEP_EMIT_CONFIG)),
        getLong(STEP_MAX_LAG_MS_CONFIG));
  }

  /** When predictions become events. */
  public EventRules rules() {
    return new EventRules(
        getDouble(START_THRESHOLD_CONFIG),
        getDouble(END_THRESHOLD_CONFIG),
        getInt(MIN_DURATION_STEPS_CONFIG),
        getLong(COOLDOWN_MS_CONFIG),
        getDouble(ANTICIPATION_THRESHOLD_CONFIG),
        getLong(CAMERA_OFFLINE_MS_CONFIG));
  }

  /** How predictions are batched across cameras. */
  public DetectBatching batching() {
    return new DetectBatching(
        getInt(DETECT_BATCH_MAX_CONFIG), getLong(DETECT_BATCH_MAX_WAIT_MS_CONFIG));
  }

  /**
   * Bounds on capture times, state retention and record sizes; the record bound is the smaller of
   * {@value #MAX_RECORD_BYTES_CONFIG} and the producer's {@code max.request.size} minus 1 KiB.
   */
  public DetectLimits limits() {
    long maxRequest = ProducerConfigDefaults.MAX_REQUEST_SIZE;
    for (String key :
        new String[] {
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
          StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)
        }) {
      Object v = originals().get(key);
      if (v != null) {
        try {
          maxRequest = Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
          throw new ConfigException(key, v, "not a number");
        }
      }
    }
    long bound = Math.min(getInt(MAX_RECORD_BYTES_CONFIG), maxRequest - 1024);
    if (bound < DetectLimits.MIN_MAX_RECORD_BYTES) {
      throw new ConfigException(
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
          maxRequest,
          "leaves less than " + DetectLimits.MIN_MAX_RECORD_BYTES + " bytes for a record");
    }
    return new DetectLimits(
        getLong(MAX_CAPTURE_AHEAD_MS_CONFIG), getLong(CAMERA_RETENTION_MS_CONFIG), (int) bound);
  }

  /** The producer's default {@code max.request.size}. */
  private static final class ProducerConfigDefaults {
    static final long MAX_REQUEST_SIZE = 1024 * 1024;
  }

  /**
   * The topics the topology reads and writes, its timing, event rules, batching and limits.
   *
   * @throws ConfigException if the topics are not all different
   */
  public TopologyOptions options() {
    try {
      return new TopologyOptions(
          getString(EMBEDDINGS_TOPIC_CONFIG),
          getString(PREDICTIONS_TOPIC_CONFIG),
          getString(EVENTS_TOPIC_CONFIG),
          timing(),
          rules(),
          batching(),
          limits());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid topology options: " + e.getMessage());
    }
  }

  /**
   * The Kafka Streams properties: pass-through keys first, then this config's values, {@code
   * ensure.explicit.internal.resource.naming=true}, {@code errors.dead.letter.queue.topic.name},
   * the processing and deserialization exception handlers that dead-letter and continue, and with
   * batching on a {@code poll.ms} no longer than the batch wait unless set explicitly.
   */
  public Properties streamsProperties() {
    Set<String> own = CONFIG.names();
    Properties p = new Properties();
    originals()
        .forEach(
            (k, v) -> {
              if (!own.contains(k)) {
                p.put(k, v);
              }
            });
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    String stateDir = getString(STATE_DIR_CONFIG);
    if (!stateDir.isBlank()) {
      p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    }
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, numStreamThreads());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs());
    DetectBatching batching = batching();
    if (batching.enabled() && !originals().containsKey(StreamsConfig.POLL_MS_CONFIG)) {
      // a thread blocked in poll cannot run the punctuator that scores a partial batch
      p.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1L, Math.min(100L, batching.maxWaitMs())));
    }
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic());
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DetectorDeserializationExceptionHandler.class.getName());
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        DetectorProcessingExceptionHandler.class.getName());
    p.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DetectorProductionExceptionHandler.class.getName());
    p.put(DeadLetters.MAX_RECORD_BYTES_CONFIG, limits().maxRecordBytes());
    return p;
  }

  /**
   * An empty {@link Topology} that carries the topology-level settings of {@link
   * #streamsProperties()}. Needed because Kafka Streams reads {@code
   * ensure.explicit.internal.resource.naming} when a topology (or {@code StreamsBuilder}) is
   * created, not when {@code KafkaStreams} starts: a topology made with {@code new Topology()}
   * would never be checked.
   */
  public Topology newTopology() {
    return new Topology(
        new org.apache.kafka.streams.TopologyConfig(new StreamsConfig(streamsProperties())));
  }

  /** Fluent construction; {@link #build()} validates. */
  public static final class Builder {
    private final Map<String, Object> props = new HashMap<>();

    private Builder() {}

    public Builder applicationId(String id) {
      return property(APPLICATION_ID_CONFIG, id);
    }

    public Builder bootstrapServers(String servers) {
      return property(BOOTSTRAP_SERVERS_CONFIG, servers);
    }

    public Builder stateDir(Path dir) {
      return property(STATE_DIR_CONFIG, dir.toString());
    }

    public Builder processingGuarantee(String guarantee) {
      return property(PROCESSING_GUARANTEE_CONFIG, guarantee);
    }

    public Builder numStreamThreads(int threads) {
      return property(NUM_STREAM_THREADS_CONFIG, threads);
    }

    public Builder commitIntervalMs(long ms) {
      return property(COMMIT_INTERVAL_MS_CONFIG, ms);
    }

    /** Sets any key: one of this config's, or a Kafka Streams/client key passed through. */
    public Builder property(String key, Object value) {
      props.put(key, value);
      return this;
    }

    /** Sets several keys, as {@link #property} does. */
    public Builder properties(Map<String, ?> values) {
      props.putAll(values);
      return this;
    }

    /**
     * Validates and builds; a {@link org.apache.kafka.common.config.ConfigException} names the bad
     * key.
     */
    public DetectConfig build() {
      return new DetectConfig(props);
    }
  }
}
