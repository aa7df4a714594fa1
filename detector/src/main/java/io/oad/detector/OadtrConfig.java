package io.oad.detector;

/**
 * Hyper-parameters of an OadTR model. {@link #thumos()} is the paper's THUMOS14 configuration. (API
 * skeleton: the detector module owns and may extend this record.)
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
    float dropout) {

  /** The paper's THUMOS14 configuration: 3072-d TSN features, T = 64, 22 classes. */
  public static OadtrConfig thumos() {
    return new OadtrConfig(3072, 64, 1024, 3, 8, 1024, 5, 4, 1024, 8, 22, 0.1f);
  }
}
