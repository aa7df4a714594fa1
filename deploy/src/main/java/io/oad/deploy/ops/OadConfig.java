package io.oad.deploy.ops;

import io.oad.extractor.ExtractorConfig;
import io.oad.topology.DetectConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The effective configuration of an {@code oad} role: {@link #configDef() defaults}, overridden by
 * one properties file, overridden by {@code OAD_*} environment variables ({@code
 * OAD_BOOTSTRAP_SERVERS} → {@code bootstrap.servers}: drop {@code OAD_}, lower-case, {@code _} →
 * {@code .}). Each role's own keys carry its name: {@code ingest.*}, {@code extract.*}, {@code
 * detect.*}, {@code alert.*} (the detect role's step timing, event rules, batching and topics are
 * the {@link DetectConfig} keys, all spelled {@code detect.*}). Keys under {@code kafka.} are Kafka
 * client settings passed through to the role's clients (SASL/SSL included), validated against the
 * consumer, producer, admin and streams definitions. Every bad key is refused with a {@link
 * ConfigException} that names it and where it came from.
 */
public final class OadConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
  private static final String BOOTSTRAP_SERVERS_DOC = "Kafka bootstrap servers of every role.";
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";

  public static final String METRICS_PORT_CONFIG = "metrics.port";
  private static final String METRICS_PORT_DOC =
      "Port of /metrics, /healthz and /readyz; -1 = off; unset = the role's default.";

  public static final String METRICS_BIND_ADDRESS_CONFIG = "metrics.bind.address";
  private static final String METRICS_BIND_ADDRESS_DOC =
      "Address the HTTP endpoints (/metrics, /healthz, /readyz, the live page) bind to; the default"
          + " 127.0.0.1 keeps them on this host, 0.0.0.0 opens them to the network (containers).";
  public static final String DEFAULT_METRICS_BIND_ADDRESS = "127.0.0.1";

  public static final String LIVE_TOKEN_CONFIG = "live.token";
  private static final String LIVE_TOKEN_DOC =
      "When set, the live page (/) and its event stream (/events) answer only requests that carry"
          + " it (Authorization: Bearer TOKEN, or ?token=TOKEN in the page's address); /metrics and the"
          + " health endpoints stay open for scrapers and probes.";

  public static final String EXTRACT_GROUP_ID_CONFIG = "extract.group.id";
  private static final String EXTRACT_GROUP_ID_DOC =
      "Consumer group of the extractor; unset = the extract command's default.";

  public static final String EXTRACT_MAX_LAG_MS_CONFIG = "extract.max.lag.ms";
  private static final String EXTRACT_MAX_LAG_MS_DOC =
      "Drop policy of the extractor: frames captured longer ago than this when about to be embedded"
          + " are dropped and counted; 0 = off; unset = the extract command's default.";

  public static final String EXTRACT_LAG_SAMPLE_EVERY_CONFIG = "extract.lag.sample.every";
  public static final String EXTRACT_STEPS_PER_SECOND_CONFIG = "extract.steps.per.second";
  private static final String EXTRACT_STEPS_PER_SECOND_DOC =
      "The detector's step rate (detect.steps.per.second): a frame landing in a step an earlier"
          + " frame of its camera already formed is decoded but not embedded (the detector drops such"
          + " frames as extra_frame); 0 = embed every frame; unset = the extract command's default"
          + " (0). Must equal detect.steps.per.second.";

  private static final String EXTRACT_LAG_SAMPLE_EVERY_DOC =
      "With the drop policy, keep every k-th lagging frame per camera (1 = drop all); unset = the"
          + " extract command's default.";

  public static final String EXTRACT_TRANSACTIONAL_ID_CONFIG = "extract.transactional.id";
  private static final String EXTRACT_TRANSACTIONAL_ID_DOC =
      "Exactly-once extractor: the transactional id of this instance (unique per instance, stable"
          + " across its restarts, e.g. the pod name); unset = at-least-once.";

  public static final String EXTRACT_WORKERS_CONFIG = io.oad.extractor.ExtractorConfig.WORKERS_KEY;
  private static final String EXTRACT_WORKERS_DOC =
      "Extractor workers in one process (1.."
          + io.oad.extractor.ExtractorConfig.MAX_WORKERS
          + "), each with its own consumer of the one group, producer (worker i > 0 uses the"
          + " transactional id <id>-w<i>) and backbone; workers beyond the frames partitions idle;"
          + " unset = the extract command's default (1).";

  public static final String EXTRACT_MAX_CAPTURE_AHEAD_MS_CONFIG = "extract.max.capture.ahead.ms";
  private static final String EXTRACT_MAX_CAPTURE_AHEAD_MS_DOC =
      "Frames whose capture time is further ahead of this host's clock are dead-lettered"
          + " (bad-capture-time); unset = the extractor's default (60000).";

  public static final String EXTRACT_MAX_FRAME_PIXELS_CONFIG = "extract.max.frame.pixels";
  private static final String EXTRACT_MAX_FRAME_PIXELS_DOC =
      "Frames announcing more pixels than this are dead-lettered before any decoding"
          + " (too-many-pixels); unset = the extractor's default (3840x2160).";

  public static final String EXTRACT_MAX_DECODED_PIXELS_CONFIG = "extract.max.decoded.pixels";
  private static final String EXTRACT_MAX_DECODED_PIXELS_DOC =
      "Larger frames are decoded subsampled to at most this many pixels; unset = the extractor's"
          + " default (1280x720).";

  public static final String EXTRACT_MAX_BATCH_PIXELS_CONFIG = "extract.max.batch.pixels";
  private static final String EXTRACT_MAX_BATCH_PIXELS_DOC =
      "Decoded pixels one batch may hold; a frame that would exceed it waits for the next batch;"
          + " unset = the extractor's default (16 x 1280x720).";

  public static final String ALERT_WEBHOOK_URL_CONFIG = "alert.webhook.url";
  private static final String ALERT_WEBHOOK_URL_DOC =
      "Where the alert role POSTs events (http or https URL); unset = the alert command's --webhook.";

  public static final String ALERT_WEBHOOK_AUTHORIZATION_CONFIG = "alert.webhook.authorization";
  private static final String ALERT_WEBHOOK_AUTHORIZATION_DOC =
      "Value of the Authorization header of the alert role's POSTs (e.g. 'Bearer abc'), a secret;"
          + " unset = no such header.";

  public static final String ALERT_GROUP_ID_CONFIG = "alert.group.id";
  private static final String ALERT_GROUP_ID_DOC =
      "Consumer group of the alert role on oad.events; unset = the alert command's default"
          + " (oad-alert).";

  public static final String ALERT_TYPES_CONFIG = "alert.types";
  private static final String ALERT_TYPES_DOC =
      "Comma-separated event types the alert role forwards; unset = the alert command's default"
          + " (ACTION_STARTED,ACTION_ANTICIPATED,CAMERA_OFFLINE).";

  public static final String ALERT_MAX_ATTEMPTS_CONFIG = "alert.max.attempts";
  private static final String ALERT_MAX_ATTEMPTS_DOC =
      "POST attempts of one event before it is dead-lettered; unset = the alert command's default"
          + " (5).";

  public static final String ALERT_RATE_LIMIT_MS_CONFIG = "alert.rate.limit.ms";
  private static final String ALERT_RATE_LIMIT_MS_DOC =
      "At most one alert per camera, event type and action within this many ms of event time; the"
          + " others are counted in oad_alert_suppressed_total; 0 = off; unset = the alert command's"
          + " default (60000).";

  public static final String ALERT_BACKOFF_INITIAL_MS_CONFIG = "alert.backoff.initial.ms";
  private static final String ALERT_BACKOFF_INITIAL_MS_DOC =
      "Delay after the first failed POST, doubled per attempt with jitter; unset = 500.";

  public static final String ALERT_BACKOFF_MAX_MS_CONFIG = "alert.backoff.max.ms";
  private static final String ALERT_BACKOFF_MAX_MS_DOC =
      "Largest delay between POST attempts (a longer Retry-After is still honoured, up to 10"
          + " minutes); unset = 30000.";

  public static final String ALERT_REQUEST_TIMEOUT_MS_CONFIG = "alert.request.timeout.ms";
  private static final String ALERT_REQUEST_TIMEOUT_MS_DOC =
      "Time allowed for one POST (connect and answer); unset = 10000.";

  public static final String DETECT_APPLICATION_ID_CONFIG = "detect.application.id";
  private static final String DETECT_APPLICATION_ID_DOC =
      "Kafka Streams application id of the detector; unset = the detect command's default.";

  public static final String DETECT_STATE_DIR_CONFIG = "detect.state.dir";
  private static final String DETECT_STATE_DIR_DOC =
      "Kafka Streams state folder of the detector; unset = the detect command's default.";

  /** Keys under this prefix are Kafka client settings, passed through without the prefix. */
  public static final String KAFKA_PREFIX = "kafka.";

  /** Environment variables with this prefix are configuration keys. */
  public static final String ENV_PREFIX = "OAD_";

  /** The properties file read when none is named and it exists in the working folder. */
  public static final String DEFAULT_FILE = "oad.properties";

  /** Variables of the {@code ./oad} launcher itself, not configuration keys. */
  static final Set<String> LAUNCHER_ENV = Set.of("OAD_REBUILD", "OAD_JAVA_OPTS", "OAD_CACHE_DIR");

  private static final List<String> SECRET_WORDS =
      List.of("password", "secret", "jaas", "token", "key", "authorization");
  static final String MASK = "******";

  /** Prefixes that route a Kafka setting to one client (consumer, producer, admin, topics). */
  private static final List<String> CLIENT_PREFIXES =
      List.of(
          StreamsConfig.MAIN_CONSUMER_PREFIX,
          StreamsConfig.RESTORE_CONSUMER_PREFIX,
          StreamsConfig.GLOBAL_CONSUMER_PREFIX,
          StreamsConfig.CONSUMER_PREFIX,
          StreamsConfig.PRODUCER_PREFIX,
          StreamsConfig.ADMIN_CLIENT_PREFIX);

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              BOOTSTRAP_SERVERS_CONFIG,
              Type.STRING,
              DEFAULT_BOOTSTRAP_SERVERS,
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.HIGH,
              BOOTSTRAP_SERVERS_DOC)
          .define(
              METRICS_PORT_CONFIG,
              Type.INT,
              null,
              ConfigDef.LambdaValidator.with(
                  (name, value) -> {
                    if (value != null) {
                      Range.between(-1, 65535).ensureValid(name, value);
                    }
                  },
                  () -> "[-1,...,65535] or unset"),
              Importance.MEDIUM,
              METRICS_PORT_DOC)
          .define(
              METRICS_BIND_ADDRESS_CONFIG,
              Type.STRING,
              DEFAULT_METRICS_BIND_ADDRESS,
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.MEDIUM,
              METRICS_BIND_ADDRESS_DOC)
          .define(LIVE_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, LIVE_TOKEN_DOC)
          .define(
              EXTRACT_GROUP_ID_CONFIG, Type.STRING, null, Importance.MEDIUM, EXTRACT_GROUP_ID_DOC)
          .define(
              EXTRACT_MAX_LAG_MS_CONFIG,
              Type.LONG,
              null,
              nullOrAtLeast(0),
              Importance.MEDIUM,
              EXTRACT_MAX_LAG_MS_DOC)
          .define(
              EXTRACT_LAG_SAMPLE_EVERY_CONFIG,
              Type.INT,
              null,
              nullOrAtLeast(1),
              Importance.LOW,
              EXTRACT_LAG_SAMPLE_EVERY_DOC)
          .define(
              EXTRACT_STEPS_PER_SECOND_CONFIG,
              Type.DOUBLE,
              null,
              (name, value) -> {
                if (value != null
                    && (!((Double) value >= 0)
                        || (Double) value > ExtractorConfig.MAX_STEPS_PER_SECOND)) {
                  throw new ConfigException(
                      name, value, "must be 0 (embed every frame) or in (0, 1000]");
                }
              },
              Importance.MEDIUM,
              EXTRACT_STEPS_PER_SECOND_DOC)
          .define(
              EXTRACT_TRANSACTIONAL_ID_CONFIG,
              Type.STRING,
              null,
              Importance.MEDIUM,
              EXTRACT_TRANSACTIONAL_ID_DOC)
          .define(
              EXTRACT_WORKERS_CONFIG,
              Type.INT,
              null,
              ConfigDef.LambdaValidator.with(
                  (name, value) -> {
                    if (value != null) {
                      Range.between(1, io.oad.extractor.ExtractorConfig.MAX_WORKERS)
                          .ensureValid(name, value);
                    }
                  },
                  () -> "[1,...," + io.oad.extractor.ExtractorConfig.MAX_WORKERS + "] or unset"),
              Importance.MEDIUM,
              EXTRACT_WORKERS_DOC)
          .define(
              EXTRACT_MAX_CAPTURE_AHEAD_MS_CONFIG,
              Type.LONG,
              null,
              nullOrAtLeast(0),
              Importance.LOW,
              EXTRACT_MAX_CAPTURE_AHEAD_MS_DOC)
          .define(
              EXTRACT_MAX_FRAME_PIXELS_CONFIG,
              Type.LONG,
              null,
              nullOrAtLeast(1),
              Importance.LOW,
              EXTRACT_MAX_FRAME_PIXELS_DOC)
          .define(
              EXTRACT_MAX_DECODED_PIXELS_CONFIG,
              Type.LONG,
              null,
              nullOrAtLeast(1),
              Importance.LOW,
              EXTRACT_MAX_DECODED_PIXELS_DOC)
          .define(
              EXTRACT_MAX_BATCH_PIXELS_CONFIG,
              Type.LONG,
              null,
              nullOrAtLeast(1),
              Importance.LOW,
              EXTRACT_MAX_BATCH_PIXELS_DOC)
          .define(
              ALERT_WEBHOOK_URL_CONFIG,
              Type.STRING,
              null,
              nullOrParsed(
                  io.oad.service.alert.AlertSettings::parseWebhook,
                  "an http or https URL, or unset"),
              Importance.MEDIUM,
              ALERT_WEBHOOK_URL_DOC)
          .define(
              ALERT_WEBHOOK_AUTHORIZATION_CONFIG,
              Type.PASSWORD,
              null,
              Importance.MEDIUM,
              ALERT_WEBHOOK_AUTHORIZATION_DOC)
          .define(
              ALERT_GROUP_ID_CONFIG,
              Type.STRING,
              null,
              nullOrNonEmpty(),
              Importance.MEDIUM,
              ALERT_GROUP_ID_DOC)
          .define(
              ALERT_TYPES_CONFIG,
              Type.STRING,
              null,
              nullOrParsed(
                  io.oad.service.alert.AlertSettings::parseTypes,
                  "comma-separated event types, or unset"),
              Importance.MEDIUM,
              ALERT_TYPES_DOC)
          .define(
              ALERT_MAX_ATTEMPTS_CONFIG,
              Type.INT,
              null,
              nullOrAtLeast(1),
              Importance.MEDIUM,
              ALERT_MAX_ATTEMPTS_DOC)
          .define(
              ALERT_RATE_LIMIT_MS_CONFIG,
              Type.LONG,
              null,
              nullOrAtLeast(0),
              Importance.MEDIUM,
              ALERT_RATE_LIMIT_MS_DOC)
          .define(
              ALERT_BACKOFF_INITIAL_MS_CONFIG,
              Type.LONG,
              null,
              nullOrAtLeast(1),
              Importance.LOW,
              ALERT_BACKOFF_INITIAL_MS_DOC)
          .define(
              ALERT_BACKOFF_MAX_MS_CONFIG,
              Type.LONG,
              null,
              nullOrAtLeast(1),
              Importance.LOW,
              ALERT_BACKOFF_MAX_MS_DOC)
          .define(
              ALERT_REQUEST_TIMEOUT_MS_CONFIG,
              Type.LONG,
              null,
              nullOrAtLeast(1),
              Importance.LOW,
              ALERT_REQUEST_TIMEOUT_MS_DOC)
          .define(
              DETECT_APPLICATION_ID_CONFIG,
              Type.STRING,
              null,
              Importance.MEDIUM,
              DETECT_APPLICATION_ID_DOC)
          .define(
              DETECT_STATE_DIR_CONFIG, Type.STRING, null, Importance.MEDIUM, DETECT_STATE_DIR_DOC);

  private static final List<ConfigDef> KAFKA_DEFS =
      List.of(
          ConsumerConfig.configDef(),
          ProducerConfig.configDef(),
          AdminClientConfig.configDef(),
          StreamsConfig.configDef());

  /**
   * The detect role's own keys that {@link DetectConfig} defines ({@code detect.step.emit}, ...).
   */
  private static final ConfigDef DETECT_DEFS = DetectConfig.configDef();

  private static final java.util.Set<String> DETECT_KEYS =
      DETECT_DEFS.names().stream()
          .filter(k -> k.startsWith("detect."))
          .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));

  /** The prefix of the detect role's keys. */
  public static final String DETECT_PREFIX = "detect.";

  private final Map<String, String> sources;

  private OadConfig(Map<String, String> values, Map<String, String> sources) {
    super(CONFIG, values, false);
    this.sources = Map.copyOf(sources);
  }

  /** The definition of the role keys (not the {@code kafka.} pass-through). */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /**
   * Loads the effective configuration.
   *
   * @param file the properties file; {@code null} reads {@value #DEFAULT_FILE} if it exists
   * @param env the environment ({@code System.getenv()}); only {@code OAD_*} variables are read
   * @throws ConfigException naming the bad key, or the missing file
   */
  public static OadConfig load(Path file, Map<String, String> env) {
    Path chosen = file;
    if (chosen == null) {
      Path fallback = Path.of(DEFAULT_FILE);
      chosen = Files.isRegularFile(fallback) ? fallback : null;
    } else if (!Files.isRegularFile(chosen)) {
      throw new ConfigException("configuration file " + chosen + " not found");
    }
    Map<String, String> fileValues = chosen == null ? Map.of() : readProperties(chosen);
    return of(fileValues, chosen == null ? null : chosen.toString(), env);
  }

  /**
   * Builds the configuration from already read file values ({@code fileName} only for messages;
   * {@code null} = no file) and the environment.
   */
  public static OadConfig of(
      Map<String, String> fileValues, String fileName, Map<String, String> env) {
    Map<String, String> values = new TreeMap<>();
    Map<String, String> sources = new TreeMap<>();
    fileValues.forEach(
        (key, value) -> {
          values.put(key.trim(), value.trim());
          sources.put(key.trim(), "file " + fileName);
        });
    env.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX) && !LAUNCHER_ENV.contains(name)) {
            String key = envToKey(name);
            values.put(key, value.trim());
            sources.put(key, "env " + name);
          }
        });
    values.forEach((key, value) -> validateKey(key, value, sources.get(key)));
    try {
      return new OadConfig(values, sources);
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage() + " (sources: " + sources + ")");
    }
  }

  /** {@code OAD_KAFKA_SASL_MECHANISM} → {@code kafka.sasl.mechanism}. */
  public static String envToKey(String envName) {
    if (!envName.startsWith(ENV_PREFIX) || envName.length() == ENV_PREFIX.length()) {
      throw new IllegalArgumentException("not an OAD_* variable: " + envName);
    }
    return envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /**
   * Whether a key's value is a secret: its name contains password, secret, jaas, token, key or
   * authorization.
   */
  public static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream().anyMatch(lower::contains);
  }

  /** Kafka bootstrap servers. */
  public String bootstrapServers() {
    return getString(BOOTSTRAP_SERVERS_CONFIG);
  }

  /** The metrics port, or {@code null} for the role's default. */
  public Integer metricsPort() {
    return getInt(METRICS_PORT_CONFIG);
  }

  /** The address the HTTP endpoints bind to (default {@value #DEFAULT_METRICS_BIND_ADDRESS}). */
  public String metricsBindAddress() {
    return getString(METRICS_BIND_ADDRESS_CONFIG);
  }

  /** The live page's access token, or {@code null} when the page is open. */
  public String liveToken() {
    org.apache.kafka.common.config.types.Password p = getPassword(LIVE_TOKEN_CONFIG);
    return p == null || p.value().isEmpty() ? null : p.value();
  }

  /** The extractor's consumer group, or {@code null} for the command's default. */
  public String extractGroupId() {
    return getString(EXTRACT_GROUP_ID_CONFIG);
  }

  /** The extractor's lag bound in ms (0 = off), or {@code null} for the command's default. */
  public Long extractMaxLagMs() {
    return getLong(EXTRACT_MAX_LAG_MS_CONFIG);
  }

  /** The extractor's sample-down factor, or {@code null} for the command's default. */
  public Integer extractLagSampleEvery() {
    return getInt(EXTRACT_LAG_SAMPLE_EVERY_CONFIG);
  }

  /** The extractor's worker count, or {@code null} for the command's default. */
  public Integer extractWorkers() {
    return getInt(EXTRACT_WORKERS_CONFIG);
  }

  /** The extractor's step rate (0 = embed every frame), or {@code null} for the default. */
  public Double extractStepsPerSecond() {
    return getDouble(EXTRACT_STEPS_PER_SECOND_CONFIG);
  }

  /** The extractor's transactional id, or {@code null} (at-least-once). */
  public String extractTransactionalId() {
    return getString(EXTRACT_TRANSACTIONAL_ID_CONFIG);
  }

  /**
   * Applies the extractor's bounds that the configuration sets ({@code extract.max.*}) to {@code
   * builder}; unset keys keep the extractor's defaults.
   */
  public io.oad.extractor.ExtractorConfig.Builder applyExtractBounds(
      io.oad.extractor.ExtractorConfig.Builder builder) {
    Long ahead = getLong(EXTRACT_MAX_CAPTURE_AHEAD_MS_CONFIG);
    if (ahead != null) {
      builder.optMaxCaptureAhead(java.time.Duration.ofMillis(ahead));
    }
    Long frame = getLong(EXTRACT_MAX_FRAME_PIXELS_CONFIG);
    if (frame != null) {
      builder.optMaxFramePixels(frame);
    }
    Long decoded = getLong(EXTRACT_MAX_DECODED_PIXELS_CONFIG);
    if (decoded != null) {
      builder.optMaxDecodedPixels(decoded);
    }
    Long batch = getLong(EXTRACT_MAX_BATCH_PIXELS_CONFIG);
    if (batch != null) {
      builder.optMaxBatchPixels(batch);
    }
    return builder;
  }

  /** The alert role's webhook URL, or {@code null} for the command's --webhook. */
  public String alertWebhookUrl() {
    return getString(ALERT_WEBHOOK_URL_CONFIG);
  }

  /** The alert role's Authorization header value, or {@code null} for none. */
  public String alertWebhookAuthorization() {
    org.apache.kafka.common.config.types.Password p =
        getPassword(ALERT_WEBHOOK_AUTHORIZATION_CONFIG);
    return p == null || p.value().isBlank() ? null : p.value();
  }

  /** The alert role's consumer group, or {@code null} for the command's default. */
  public String alertGroupId() {
    return getString(ALERT_GROUP_ID_CONFIG);
  }

  /** The event types the alert role forwards, or {@code null} for the command's default. */
  public java.util.Set<io.oad.contract.ActionEvent.Type> alertTypes() {
    String types = getString(ALERT_TYPES_CONFIG);
    return types == null ? null : io.oad.service.alert.AlertSettings.parseTypes(types);
  }

  /** POST attempts before dead-lettering, or {@code null} for the command's default. */
  public Integer alertMaxAttempts() {
    return getInt(ALERT_MAX_ATTEMPTS_CONFIG);
  }

  /** The alert rate limit in ms (0 = off), or {@code null} for the command's default. */
  public Long alertRateLimitMs() {
    return getLong(ALERT_RATE_LIMIT_MS_CONFIG);
  }

  /** The first retry delay in ms, or {@code null} for the default. */
  public Long alertBackoffInitialMs() {
    return getLong(ALERT_BACKOFF_INITIAL_MS_CONFIG);
  }

  /** The largest retry delay in ms, or {@code null} for the default. */
  public Long alertBackoffMaxMs() {
    return getLong(ALERT_BACKOFF_MAX_MS_CONFIG);
  }

  /** The time allowed for one POST in ms, or {@code null} for the default. */
  public Long alertRequestTimeoutMs() {
    return getLong(ALERT_REQUEST_TIMEOUT_MS_CONFIG);
  }

  /** The detector's application id, or {@code null} for the command's default. */
  public String detectApplicationId() {
    return getString(DETECT_APPLICATION_ID_CONFIG);
  }

  /** The detector's state folder, or {@code null} for the command's default. */
  public Path detectStateDir() {
    String dir = getString(DETECT_STATE_DIR_CONFIG);
    return dir == null ? null : Path.of(dir);
  }

  /**
   * The {@code detect.*} keys of the detect role's topology ({@link DetectConfig}: step timing,
   * events, batching, topics), as given; {@code detect.application.id} and {@code detect.state.dir}
   * are read through their own accessors.
   */
  public Map<String, Object> detectProperties() {
    Map<String, Object> out = new TreeMap<>();
    originals()
        .forEach(
            (key, value) -> {
              if (DETECT_KEYS.contains(key)) {
                out.put(key, value);
              }
            });
    return out;
  }

  /**
   * Every {@code kafka.*} setting without the prefix, client prefixes such as {@code consumer.}
   * kept: for clients that route them themselves (Kafka Streams, the extractor's config).
   */
  public Map<String, Object> kafkaProperties() {
    return new TreeMap<>(originalsWithPrefix(KAFKA_PREFIX));
  }

  /**
   * The {@code kafka.*} settings for one client: keys under {@code clientPrefix} (e.g. {@code
   * producer.}) without it, plus the keys without any client prefix.
   */
  public Map<String, Object> kafkaClientProperties(String clientPrefix) {
    Map<String, Object> own = new TreeMap<>();
    Map<String, Object> shared = new TreeMap<>();
    kafkaProperties()
        .forEach(
            (key, value) -> {
              if (key.startsWith(clientPrefix)) {
                own.put(key.substring(clientPrefix.length()), value);
              } else if (clientPrefixOf(key) == null) {
                shared.put(key, value);
              }
            });
    shared.putAll(own);
    return shared;
  }

  /**
   * The effective configuration as {@code key=value # source} lines, sorted, secrets masked; unset
   * role keys are listed as {@code (role default)}.
   */
  public List<String> describe() {
    Map<String, String> shown = new TreeMap<>();
    for (String key : CONFIG.names()) {
      Object value = get(key);
      shown.put(key, value == null ? "(role default)" : String.valueOf(value));
    }
    originalsWithPrefix(KAFKA_PREFIX, false)
        .forEach((key, value) -> shown.put(key, String.valueOf(value)));
    detectProperties().forEach((key, value) -> shown.put(key, String.valueOf(value)));
    List<String> lines = new ArrayList<>();
    shown.forEach(
        (key, value) ->
            lines.add(
                key
                    + "="
                    + (isSecret(key)
                        ? MASK
                        : key.equals(ALERT_WEBHOOK_URL_CONFIG) && get(key) != null
                            ? io.oad.service.alert.AlertSettings.redact(value)
                            : value)
                    + "  # "
                    + sources.getOrDefault(key, "default")));
    return lines;
  }

  /** Where a key's value came from: {@code file NAME}, {@code env OAD_X} or {@code default}. */
  public String sourceOf(String key) {
    return sources.getOrDefault(key, "default");
  }

  private static void validateKey(String key, String value, String source) {
    if (CONFIG.names().contains(key)) {
      return; // typed and validated by AbstractConfig
    }
    if (DETECT_KEYS.contains(key)) {
      validateValue(key, key, value, source, DETECT_DEFS.configKeys().get(key));
      return;
    }
    if (key.startsWith(KAFKA_PREFIX + "oad.")) {
      String renamed = DETECT_PREFIX + key.substring((KAFKA_PREFIX + "oad.").length());
      renamed = renamed.replace("detect.detect.", "detect.");
      throw new ConfigException(
          "configuration key '"
              + key
              + "' (from "
              + source
              + ") was renamed: write '"
              + renamed
              + "'"
              + (DETECT_KEYS.contains(renamed) ? "" : " (not a known key either)"));
    }
    if (!key.startsWith(KAFKA_PREFIX)) {
      throw new ConfigException(
          "unknown configuration key '"
              + key
              + "' (from "
              + source
              + "); known keys: "
              + new TreeMap<>(CONFIG.configKeys()).keySet()
              + ", the detect role's "
              + DETECT_KEYS
              + ", and "
              + KAFKA_PREFIX
              + "* for Kafka client settings");
    }
    String kafkaKey = key.substring(KAFKA_PREFIX.length());
    if (kafkaKey.equals(BOOTSTRAP_SERVERS_CONFIG)) {
      throw new ConfigException(
          "configuration key '" + key + "' (from " + source + "): set bootstrap.servers instead");
    }
    String prefix = clientPrefixOf(kafkaKey);
    String name = prefix == null ? kafkaKey : kafkaKey.substring(prefix.length());
    if (kafkaKey.startsWith(StreamsConfig.TOPIC_PREFIX)) {
      return; // topic-level settings of the Streams' internal topics: checked by the broker
    }
    ConfigDef.ConfigKey def = findKafkaKey(name);
    if (def == null) {
      throw new ConfigException(
          "unknown configuration key '"
              + key
              + "' (from "
              + source
              + "): '"
              + name
              + "' is not a Kafka consumer, producer, admin or streams setting");
    }
    validateValue(key, name, value, source, def);
  }

  private static void validateValue(
      String key, String name, String value, String source, ConfigDef.ConfigKey def) {
    try {
      Object parsed = ConfigDef.parseType(name, value, def.type);
      if (def.validator != null) {
        def.validator.ensureValid(name, parsed);
      }
    } catch (ConfigException e) {
      throw new ConfigException(
          "invalid value for configuration key '"
              + key
              + "' (from "
              + source
              + "): "
              + e.getMessage());
    }
  }

  private static ConfigDef.Validator nullOrAtLeast(long min) {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          if (value != null) {
            Range.atLeast(min).ensureValid(name, value);
          }
        },
        () -> "[" + min + ",...] or unset");
  }

  /**
   * Unset, or a value that {@code parse} accepts; its IllegalArgumentException names the problem.
   */
  private static ConfigDef.Validator nullOrParsed(
      java.util.function.Consumer<String> parse, String description) {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          if (value != null) {
            try {
              parse.accept((String) value);
            } catch (IllegalArgumentException e) {
              throw new ConfigException(name, value, e.getMessage());
            }
          }
        },
        () -> description);
  }

  private static ConfigDef.Validator nullOrNonEmpty() {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          if (value != null && ((String) value).isBlank()) {
            throw new ConfigException(name, value, "must not be empty");
          }
        },
        () -> "non-empty or unset");
  }

  private static ConfigDef.ConfigKey findKafkaKey(String name) {
    for (ConfigDef def : KAFKA_DEFS) {
      ConfigDef.ConfigKey key = def.configKeys().get(name);
      if (key != null) {
        return key;
      }
    }
    return null;
  }

  private static String clientPrefixOf(String kafkaKey) {
    for (String prefix : CLIENT_PREFIXES) {
      if (kafkaKey.startsWith(prefix)) {
        return prefix;
      }
    }
    return null;
  }

  private static Map<String, String> readProperties(Path file) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read configuration file " + file, e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(name -> values.put(name, props.getProperty(name)));
    return values;
  }
}
