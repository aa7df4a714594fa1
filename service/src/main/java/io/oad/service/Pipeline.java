package io.oad.service;

import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorService;
import io.oad.topology.DetectConfig;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.SwappableStepModel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The processing roles (feature extractor and detector topology) running together in this JVM
 * against one Kafka cluster: an {@link ExtractorRole} and a {@link DetectorRole}, the same wiring
 * that {@code oad extract} and {@code oad detect} run alone. The demo, the bench and the end-to-end
 * tests use it; in production each role runs as its own process.
 */
public final class Pipeline implements AutoCloseable {
  /** Consumer group of the extractor (the service default). */
  public static final String EXTRACTOR_GROUP = ExtractorConfig.DEFAULT_GROUP_ID;

  /** Consumer group of the topology: its application id (the service default). */
  public static final String TOPOLOGY_GROUP = DetectConfig.DEFAULT_APPLICATION_ID;

  private final ExtractorRole extractor;
  private final DetectorRole detector;
  private final Detector model;

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
      UnaryOperator<DetectConfig.Builder> topologySettings) {
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
    DetectConfig config =
        topologySettings
            .apply(
                DetectConfig.builder()
                    .bootstrapServers(bootstrap)
                    .stateDir(stateDir)
                    .commitIntervalMs(100))
            .build();
    this.extractor =
        ExtractorRole.start(
            extractorSettings
                .apply(
                    ExtractorConfig.builder()
                        .setBootstrapServers(bootstrap)
                        // the extractor skips the frames the topology would drop as extra_frame
                        .optStepsPerSecond(
                            config.timing().emitOnFirstFrame()
                                ? config.timing().stepsPerSecond()
                                : 0))
                .build(),
            backbone,
            registry,
            null);
    this.detector = new DetectorRole(config, model, registry).start();
  }

  /** The topology's metrics (registered in the pipeline's registry). */
  public DetectorMetrics detectorMetrics() {
    return detector.metrics();
  }

  /** Waits until the topology is processing (or fails). */
  public void awaitRunning(Duration timeout) throws InterruptedException {
    detector.awaitRunning(timeout);
  }

  /** The detector model the pipeline started with (a hot swap replaces and closes it). */
  public Detector model() {
    return model;
  }

  /** The topology's model, whose version {@link SwappableStepModel#swap} replaces while running. */
  public SwappableStepModel models() {
    return detector.models();
  }

  /** The extractor, whose backbone {@link ExtractorService#swapBackbone} replaces while running. */
  public ExtractorService extractor() {
    return extractor.service();
  }

  @Override
  public void close() {
    try {
      extractor.close();
    } finally {
      detector.close();
    }
  }
}
