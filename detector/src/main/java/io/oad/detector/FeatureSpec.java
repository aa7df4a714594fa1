package io.oad.detector;

/**
 * What a model expects as one input step: the feature dimension and, when known, the id of the
 * feature extractor that produced its training features (null = any extractor of that dimension).
 */
public record FeatureSpec(int dim, String extractorId) {

  /** Validates the dimension. */
  public FeatureSpec {
    if (dim <= 0) {
      throw new IllegalArgumentException("feature dim must be positive, got " + dim);
    }
    if (extractorId != null && extractorId.isBlank()) {
      throw new IllegalArgumentException("extractorId must be null or non-blank");
    }
  }
}
