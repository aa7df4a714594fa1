package io.oad.detector;

import java.nio.file.Path;
import java.util.List;

/**
 * Facade over an OadTR model: takes a batch of windows, returns current-step and future-step
 * probabilities. (API skeleton: implementation pending in the detector module.)
 */
public final class Detector implements AutoCloseable {

  /** Probabilities (or logits) for a batch: current [B][C], future [B][F][C]. */
  public record Output(float[][] current, float[][][] future) {}

  private Detector() {}

  /** A model with seeded random weights. */
  public static Detector create(OadtrConfig config, List<String> classNames, long seed) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Loads a model archive directory. */
  public static Detector load(Path archive) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Writes this model as an archive directory. */
  public void save(Path archive) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The configuration. */
  public OadtrConfig config() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Class names, index 0 = background. */
  public List<String> classNames() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Identifies the model and its version. */
  public String modelId() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Softmax probabilities for a batch of windows [B][T][featureDim]; thread-safe. */
  public Output predict(float[][][] windows) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Raw logits for a batch of windows [B][T][featureDim]; thread-safe. */
  public Output logits(float[][][] windows) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void close() {}
}
