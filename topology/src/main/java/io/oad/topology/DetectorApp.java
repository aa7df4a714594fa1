package io.oad.topology;

import io.oad.topology.internal.DeadLetters;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the detector application: the {@link KafkaStreams} client built from
 * {@link DetectorTopology} and {@link DetectConfig#streamsProperties()}. Several instances with the
 * same application id share the input partitions.
 */
public final class DetectorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DetectorApp.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final Topology topology;
  private final KafkaStreams streams;

  /**
   * Builds (does not start) the application.
   *
   * @param models called once per stream task; each call must return a new model
   * @param metrics shared by all tasks and the exception handlers; register it yourself
   */
  public DetectorApp(
      DetectConfig config, Supplier<? extends StepModel> models, DetectorMetrics metrics) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(metrics, "metrics");
    this.topology = DetectorTopology.build(config, models, metrics);
    Properties props = streamsProperties(config, metrics);
    this.streams = new KafkaStreams(topology, props);
    // processing and decoding errors are dead-lettered by the exception handlers; what still
    // escapes (a model that cannot be created, a corrupt store) is fatal for this instance, so stop
    // it cleanly and let the supervisor restart it rather than loop on a replaced thread
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("detector {} stops after an unrecoverable error", config.applicationId(), e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> LOG.info("detector {}: {} -> {}", config.applicationId(), before, now));
  }

  /** The Kafka Streams properties used, including the metrics handed to the exception handlers. */
  static Properties streamsProperties(DetectConfig config, DetectorMetrics metrics) {
    Properties props = config.streamsProperties();
    props.put(DeadLetters.METRICS_CONFIG, metrics);
    return props;
  }

  /** Starts processing; returns immediately. */
  public void start() {
    streams.start();
  }

  /** The client's state (CREATED, REBALANCING, RUNNING, ...). */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The wired topology, e.g. to print {@code describe()}. */
  public Topology topology() {
    return topology;
  }

  /** The underlying client, for state listeners, interactive queries or metrics. */
  public KafkaStreams streams() {
    return streams;
  }

  /** Stops processing, waiting at most {@code timeout}; true if it stopped in time. */
  public boolean close(Duration timeout) {
    return streams.close(timeout);
  }

  /** Stops processing, waiting at most 30 s. */
  @Override
  public void close() {
    if (!close(CLOSE_TIMEOUT)) {
      LOG.warn("detector did not stop within {}", CLOSE_TIMEOUT);
    }
  }
}
