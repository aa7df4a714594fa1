package io.oad.service;

import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.extractor.ExtractorService;
import io.oad.topology.DetectorApp;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.KafkaStreamsMetrics;
import io.oad.topology.SwappableStepModel;
import io.oad.topology.TopologyConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The processing roles (feature extractor and detector topology) running together in this JVM
 * against one Kafka cluster. The demo and the end-to-end tests use it; in production each role runs
 * as its own process.
 */
public final class Pipeline implements AutoCloseable {
  /** Consumer group of the extractor (the service default). */
  public static final String EXTRACTOR_GROUP = ExtractorConfig.DEFAULT_GROUP_ID;

  /** Consumer group of the topology: its application id (the service default). */
  public static final String TOPOLOGY_GROUP = TopologyConfig.DEFAULT_APPLICATION_ID;

  private final ExtractorService extractor;
  private final Thread extractorThread;
  private final DetectorApp detector;
  private final DetectorMetrics detectorMetrics;
  private final Detector model;
  private final SwappableStepModel models;

  /**
   * Builds and starts both roles.
   *
   * @param backbone the extractor's backbone (owned by the pipeline from now on)
   * @param model the detector model (owned by the pipeline from now on)
   */
  public Pipeline(
      String bootstrap,
      Path stateDir,
      Backbone backbone,
      Detector model,
      PrometheusRegistry registry) {
    this(bootstrap, stateDir, backbone, model, registry, UnaryOperator.identity());
  }

  /**
   * As above, with settings of the extractor on top of the defaults (e.g. the drop policy, {@link
   * ExtractorConfig.Builder#optMaxLag}).
   */
  public Pipeline(
      String bootstrap,
      Path stateDir,
      Backbone backbone,
      Detector model,
      PrometheusRegistry registry,
      UnaryOperator<ExtractorConfig.Builder> extractorSettings) {
    this(
        bootstrap,
        stateDir,
        backbone,
        model,
        registry,
        extractorSettings,
        UnaryOperator.identity());
  }

  /**
   * As above, with settings of the topology on top of the in-process defaults (commit interval 100
   * ms; e.g. the step rate or the batching, as the benchmark sets them).
   */
  public Pipeline(
      String bootstrap,
      Path stateDir,
      Backbone backbone,
      Detector model,
      PrometheusRegistry registry,
      UnaryOperator<ExtractorConfig.Builder> extractorSettings,
      UnaryOperator<TopologyConfig.Builder> topologySettings) {
    if (model.config().featureDim() != backbone.dimension()) {
      throw new IllegalArgumentException(
          "model "
              + model.modelId()
              + " takes "
              + model.config().featureDim()
              + "-d embeddings but the backbone "
              + backbone.id()
              + " makes "
              + backbone.dimension()
              + "-d ones");
    }
    Models.checkExtractor(model, backbone.id());
    this.model = model;
    ExtractorMetrics extractorMetrics = new ExtractorMetrics().register(registry);
    this.extractor =
        new ExtractorService(
            extractorSettings
                .apply(ExtractorConfig.builder().setBootstrapServers(bootstrap))
                .build(),
            backbone,
            extractorMetrics);
    this.extractorThread = new Thread(extractor, "oad-extractor");
    this.detectorMetrics = new DetectorMetrics().register(registry);
    TopologyConfig config =
        topologySettings
            .apply(
                TopologyConfig.builder()
                    .bootstrapServers(bootstrap)
                    .stateDir(stateDir)
                    .commitIntervalMs(100))
            .build();
    this.models = DetectorStepModel.serve(model);
    this.detector = new DetectorApp(config, () -> models, detectorMetrics);
    new KafkaStreamsMetrics(detector.streams()::metrics).register(registry);
    extractorThread.start();
    detector.start();
  }

  /** The topology's metrics (registered in the pipeline's registry). */
  public DetectorMetrics detectorMetrics() {
    return detectorMetrics;
  }

  /** Waits until the topology is processing (or fails). */
  public void awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (detector.state() != KafkaStreams.State.RUNNING) {
      if (detector.state() == KafkaStreams.State.ERROR
          || detector.state() == KafkaStreams.State.NOT_RUNNING) {
        throw new IllegalStateException("detector topology stopped: " + detector.state());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "detector topology not running after " + timeout + ": " + detector.state());
      }
      Thread.sleep(50);
    }
  }

  /** The detector model the pipeline started with (a hot swap replaces and closes it). */
  public Detector model() {
    return model;
  }

  /** The topology's model, whose version {@link SwappableStepModel#swap} replaces while running. */
  public SwappableStepModel models() {
    return models;
  }

  /** The extractor, whose backbone {@link ExtractorService#swapBackbone} replaces while running. */
  public ExtractorService extractor() {
    return extractor;
  }

  @Override
  public void close() {
    extractor.close();
    try {
      extractorThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    detector.close(Duration.ofSeconds(10));
    models.shutdown();
  }
}
