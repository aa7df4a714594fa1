package io.oad.service;

import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorConfig;
import io.oad.topology.DetectConfig;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.SwappableStepModel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
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
   * ms; e.g. the step rate or the batching, as the benchmark sets them). The extractor runs one
   * worker: {@code extractorSettings} must not ask for more ({@link
   * ExtractorConfig.Builder#optWorkers}), as each worker needs its own backbone (use the
   * constructor taking a supplier of backbones).
   */
  public Pipeline(
      String bootstrap,
      Path stateDir,
      Backbone backbone,
      Detector model,
      PrometheusRegistry registry,
      UnaryOperator<ExtractorConfig.Builder> extractorSettings,
      UnaryOperator<DetectConfig.Builder> topologySettings) {
    this(bootstrap, stateDir, once(backbone), model, registry, extractorSettings, topologySettings);
  }

  /**
   * As above, with a backbone per extractor worker: {@code backbones} is called once per worker
   * ({@link ExtractorConfig#workers()}, set through {@code extractorSettings}), each call loading a
   * new instance of the same backbone. Workers beyond the frames topic's partition count idle.
   */
  public Pipeline(
      String bootstrap,
      Path stateDir,
      Supplier<? extends Backbone> backbones,
      Detector model,
      PrometheusRegistry registry,
      UnaryOperator<ExtractorConfig.Builder> extractorSettings,
      UnaryOperator<DetectConfig.Builder> topologySettings) {
    DetectConfig config =
        topologySettings
            .apply(
                DetectConfig.builder()
                    .bootstrapServers(bootstrap)
                    .stateDir(stateDir)
                    .commitIntervalMs(100))
            .build();
    ExtractorConfig extractorConfig =
        extractorSettings
            .apply(
                ExtractorConfig.builder()
                    .setBootstrapServers(bootstrap)
                    // the extractor skips the frames the topology would drop as extra_frame
                    .optStepsPerSecond(
                        config.timing().emitOnFirstFrame() ? config.timing().stepsPerSecond() : 0))
            .build();
    Backbone backbone = backbones.get();
    try {
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
    } catch (RuntimeException e) {
      backbone.close();
      throw e;
    }
    this.model = model;
    AtomicBoolean firstTaken = new AtomicBoolean();
    this.extractor =
        ExtractorRole.start(
            extractorConfig,
            () -> firstTaken.compareAndSet(false, true) ? backbone : backbones.get(),
            registry,
            null);
    try {
      this.detector = new DetectorRole(config, model, registry).start();
    } catch (RuntimeException e) {
      extractor.close();
      throw e;
    }
  }

  /** A supplier of {@code backbone} once; a second call (a second worker) is refused. */
  private static Supplier<Backbone> once(Backbone backbone) {
    Objects.requireNonNull(backbone, "backbone");
    AtomicBoolean given = new AtomicBoolean();
    return () -> {
      if (given.compareAndSet(false, true)) {
        return backbone;
      }
      throw new IllegalArgumentException(
          ExtractorConfig.WORKERS_KEY
              + " > 1 needs one backbone per worker: give the pipeline a supplier of backbones");
    };
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

  /**
   * The extractor role, whose backbone {@link ExtractorRole#swapBackbone} replaces while running.
   */
  public ExtractorRole extractor() {
    return extractor;
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
