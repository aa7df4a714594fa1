package io.oad.detector.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.oad.detector.FeatureSpec;
import io.oad.detector.FutureBlend;
import io.oad.detector.OadtrConfig;
import java.util.List;
import java.util.Objects;

/**
 * The {@code model.json} of a model archive directory: what the model is, which classes it
 * predicts, which features it expects, and where its weights are.
 *
 * @param format archive format version ({@link #FORMAT})
 * @param modelId identifies the model and its version
 * @param config the model's hyper-parameters
 * @param classNames class names, index 0 = background
 * @param feature the expected input features
 * @param weights weights file name inside the archive (official-name float32 npz)
 * @param futureBlend the anticipation blend weight per future offset ({@link FutureBlend}); null
 *     (absent from the file) when the model has none
 */
public record ModelManifest(
    int format,
    String modelId,
    OadtrConfig config,
    List<String> classNames,
    FeatureSpec feature,
    String weights,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<Double> futureBlend) {

  /** Current archive format. */
  public static final int FORMAT = 1;

  /** The future blend ({@link FutureBlend#none} when absent). */
  public FutureBlend blend() {
    return FutureBlend.of(futureBlend);
  }

  /** This manifest with {@code blend} in place of its future blend. */
  public ModelManifest withBlend(FutureBlend blend) {
    return new ModelManifest(
        format,
        modelId,
        config,
        classNames,
        feature,
        weights,
        blend.isNone() ? null : blend.weights());
  }

  /** Default weights file name. */
  public static final String WEIGHTS_FILE = "weights.npz";

  /** A manifest without a future blend. */
  public ModelManifest(
      int format,
      String modelId,
      OadtrConfig config,
      List<String> classNames,
      FeatureSpec feature,
      String weights) {
    this(format, modelId, config, classNames, feature, weights, null);
  }

  /** Validates the manifest. */
  public ModelManifest {
    if (format != FORMAT) {
      throw new IllegalArgumentException(
          "unsupported model archive format " + format + " (this code reads " + FORMAT + ")");
    }
    if (modelId == null || modelId.isBlank()) {
      throw new IllegalArgumentException("modelId must be non-blank");
    }
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(feature, "feature");
    classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
    if (classNames.size() != config.numClasses()) {
      throw new IllegalArgumentException(
          classNames.size() + " class names for a model of " + config.numClasses() + " classes");
    }
    if (feature.dim() != config.featureDim()) {
      throw new IllegalArgumentException(
          "feature dim "
              + feature.dim()
              + " differs from config featureDim "
              + config.featureDim());
    }
    if (weights == null || weights.isBlank() || weights.contains("/") || weights.contains("\\")) {
      throw new IllegalArgumentException("weights must be a plain file name, got " + weights);
    }
    FutureBlend blend = FutureBlend.of(futureBlend);
    blend.checkSteps(config.futureSteps());
    futureBlend = blend.isNone() ? null : blend.weights();
  }
}
