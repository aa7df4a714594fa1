package io.oad.service;

import io.oad.detector.Detector;
import io.oad.topology.DetectConfig;
import io.oad.topology.DetectorApp;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.KafkaStreamsMetrics;
import io.oad.topology.SwappableStepModel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The {@code detect} role wired once: the {@code topology} module's Kafka Streams application with
 * a {@code detector} model bound to its port (swappable while it runs), the detector metrics and
 * the Kafka Streams client metrics. {@code oad detect} runs one alone, {@link Pipeline} runs one
 * next to the extractor.
 */
public final class DetectorRole implements AutoCloseable {
  private final SwappableStepModel models;
  private final DetectorMetrics metrics;
  private final DetectorApp app;

  /**
   * Builds the role (not started yet: {@link #start()}).
   *
   * @param model the detector model, owned by the role from now on
   */
  public DetectorRole(DetectConfig config, Detector model, PrometheusRegistry registry) {
    this.models = DetectorStepModel.serve(model);
    this.metrics = new DetectorMetrics().register(registry);
    this.app = new DetectorApp(config, () -> models, metrics);
    new KafkaStreamsMetrics(app.streams()::metrics).register(registry);
  }

  /** Starts the Kafka Streams application. */
  public DetectorRole start() {
    app.start();
    return this;
  }

  /** The served model, whose version {@link SwappableStepModel#swap} replaces while running. */
  public SwappableStepModel models() {
    return models;
  }

  /** The topology's metrics. */
  public DetectorMetrics metrics() {
    return metrics;
  }

  /** The Kafka Streams application. */
  public DetectorApp app() {
    return app;
  }

  /** Whether the application is processing. */
  public boolean running() {
    return app.state() == KafkaStreams.State.RUNNING;
  }

  /** Waits until the topology is processing (or fails). */
  public void awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (app.state() != KafkaStreams.State.RUNNING) {
      if (app.state() == KafkaStreams.State.ERROR
          || app.state() == KafkaStreams.State.NOT_RUNNING) {
        throw new IllegalStateException("detector topology stopped: " + app.state());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "detector topology not running after " + timeout + ": " + app.state());
      }
      Thread.sleep(50);
    }
  }

  /** Stops the application (up to 10 s) and releases the served model versions. */
  @Override
  public void close() {
    try {
      app.close(Duration.ofSeconds(10));
    } finally {
      models.shutdown();
    }
  }
}
