package io.oad.service.models;

import io.oad.extractor.Backbone;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.service.ExtractorRole;
import io.oad.topology.SwappableStepModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One watched folder for both kinds of model version, for a process that runs the extractor and the
 * detector together ({@code oad demo}): subfolders with a {@code model.json} are detector archives,
 * subfolders with a {@code backbone.json} are backbones. Create it before loading the models (so
 * that the versions already there count as seen), serve {@link #initialBackbone} and {@link
 * #initialDetector}, then {@link #start} it.
 */
public final class ModelRollout implements AutoCloseable {
  private final ModelWatcher detectors;
  private final ModelWatcher backbones;
  private final ModelMetrics metrics;

  /** Watchers (not started) of {@code dir}. */
  public ModelRollout(Path dir, ModelMetrics metrics, Duration interval) {
    this.metrics = metrics;
    this.detectors =
        new ModelWatcher(
            ModelMetrics.ROLE_DETECTOR, dir, ModelUpdates.DETECTOR_MARKER, metrics, interval);
    this.backbones =
        new ModelWatcher(
            ModelMetrics.ROLE_EXTRACTOR, dir, ModelUpdates.BACKBONE_MARKER, metrics, interval);
  }

  /** The greatest backbone version of the folder, else {@code fallback}. */
  public Backbone initialBackbone(Supplier<Backbone> fallback) {
    return backbones.latest().<Backbone>map(TwoStreamBackbone::load).orElseGet(fallback);
  }

  /** The greatest detector archive of the folder, else {@code fallback} (may be null). */
  public Path initialDetector(Path fallback) {
    return detectors.latest().orElse(fallback);
  }

  /** Notes the serving versions and starts watching for new ones. */
  public void start(SwappableStepModel detector, ExtractorRole extractor) {
    metrics.serving(ModelMetrics.ROLE_DETECTOR, detector.modelId());
    metrics.serving(ModelMetrics.ROLE_EXTRACTOR, extractor.backboneId());
    // a detector trained for another backbone is refused while the current one serves
    detectors.start(ModelUpdates.detector(detector, extractor::backboneId));
    backbones.start(ModelUpdates.backbone(extractor));
  }

  /** Stops watching. */
  @Override
  public void close() {
    detectors.close();
    backbones.close();
  }
}
