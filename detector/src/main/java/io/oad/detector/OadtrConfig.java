package io.oad.detector;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * Hyper-parameters of an OadTR model. {@link #thumos()} is the paper's THUMOS14 configuration; the
 * canonical constructor validates every field, so an instance is always a buildable model.
 *
 * @param featureDim size of one input feature vector (one step)
 * @param window number of past steps T in a window; the current step is the last one
 * @param dModel width of the encoder and the decoder
 * @param encoderLayers number of pre-norm encoder blocks
 * @param encoderHeads attention heads in the encoder
 * @param encoderFfn hidden width of the encoder feed-forward network
 * @param decoderLayers number of post-norm decoder layers
 * @param decoderHeads attention heads in the decoder
 * @param decoderFfn hidden width of the decoder feed-forward network
 * @param futureSteps number of decoder queries F, one per anticipated step
 * @param numClasses number of classes C, background included
 * @param dropout dropout rate used in training (inference ignores it)
 * @param variant the forward pass ({@link OadtrVariant#FULL} = official); {@code null} reads as
 *     FULL, so manifests written before the field existed load unchanged, and FULL is not written
 */
public record OadtrConfig(
    int featureDim,
    int window,
    int dModel,
    int encoderLayers,
    int encoderHeads,
    int encoderFfn,
    int decoderLayers,
    int decoderHeads,
    int decoderFfn,
    int futureSteps,
    int numClasses,
    float dropout,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = FullVariantFilter.class)
        OadtrVariant variant) {

  /** Validates the configuration. */
  @JsonCreator
  public OadtrConfig {
    variant = variant == null ? OadtrVariant.FULL : variant;
    positive("featureDim", featureDim);
    positive("window", window);
    positive("dModel", dModel);
    positive("encoderLayers", encoderLayers);
    positive("encoderHeads", encoderHeads);
    positive("encoderFfn", encoderFfn);
    positive("decoderLayers", decoderLayers);
    positive("decoderHeads", decoderHeads);
    positive("decoderFfn", decoderFfn);
    positive("futureSteps", futureSteps);
    positive("numClasses", numClasses);
    if (dModel % encoderHeads != 0) {
      throw new IllegalArgumentException(
          "dModel " + dModel + " is not divisible by encoderHeads " + encoderHeads);
    }
    if (dModel % decoderHeads != 0) {
      throw new IllegalArgumentException(
          "dModel " + dModel + " is not divisible by decoderHeads " + decoderHeads);
    }
    if (!(dropout >= 0f && dropout < 1f)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
  }

  /** The official ({@link OadtrVariant#FULL}) model of these hyper-parameters. */
  public OadtrConfig(
      int featureDim,
      int window,
      int dModel,
      int encoderLayers,
      int encoderHeads,
      int encoderFfn,
      int decoderLayers,
      int decoderHeads,
      int decoderFfn,
      int futureSteps,
      int numClasses,
      float dropout) {
    this(
        featureDim,
        window,
        dModel,
        encoderLayers,
        encoderHeads,
        encoderFfn,
        decoderLayers,
        decoderHeads,
        decoderFfn,
        futureSteps,
        numClasses,
        dropout,
        OadtrVariant.FULL);
  }

  /** This configuration with another forward-pass variant. */
  public OadtrConfig withVariant(OadtrVariant v) {
    return copy(featureDim, numClasses, Objects.requireNonNull(v, "variant"));
  }

  /** The same structure for embeddings of another dimension. */
  public OadtrConfig withFeatureDim(int dim) {
    return copy(dim, numClasses, variant);
  }

  /** The same structure with another number of classes (background included). */
  public OadtrConfig withNumClasses(int classes) {
    return copy(featureDim, classes, variant);
  }

  private OadtrConfig copy(int dim, int classes, OadtrVariant v) {
    return new OadtrConfig(
        dim,
        window,
        dModel,
        encoderLayers,
        encoderHeads,
        encoderFfn,
        decoderLayers,
        decoderHeads,
        decoderFfn,
        futureSteps,
        classes,
        dropout,
        v);
  }

  /**
   * Deterministic across JVM runs (an enum's own hash is not): model ids of untrained models are
   * derived from it.
   */
  @Override
  public int hashCode() {
    int h =
        Objects.hash(
            featureDim,
            window,
            dModel,
            encoderLayers,
            encoderHeads,
            encoderFfn,
            decoderLayers,
            decoderHeads,
            decoderFfn,
            futureSteps,
            numClasses,
            dropout);
    return variant == OadtrVariant.FULL ? h : 31 * h + variant.label().hashCode();
  }

  /** Jackson filter that leaves the default variant out of written JSON. */
  static final class FullVariantFilter {
    @Override
    public boolean equals(Object value) {
      return value == null || value == OadtrVariant.FULL;
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  /** The paper's THUMOS14 configuration: 3072-d TSN features, T = 64, 22 classes. */
  public static OadtrConfig thumos() {
    return new OadtrConfig(3072, 64, 1024, 3, 8, 1024, 5, 4, 1024, 8, 22, 0.1f);
  }

  /**
   * The small configuration of the official reference outputs ({@code oadtr-reference/tiny}):
   * window 6, features 48, width 32, 3 future steps, 5 classes. Fast enough for unit tests.
   */
  public static OadtrConfig tiny() {
    return new OadtrConfig(48, 6, 32, 2, 4, 40, 2, 2, 24, 3, 5, 0.1f);
  }

  /** Head width of the encoder attention. */
  public int encoderHeadDim() {
    return dModel / encoderHeads;
  }

  /** Head width of the decoder attention. */
  public int decoderHeadDim() {
    return dModel / decoderHeads;
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
