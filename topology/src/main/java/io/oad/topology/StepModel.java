package io.oad.topology;

import io.oad.detector.Detector;
import java.util.List;

/**
 * What the topology needs from a model that scores one window of steps. Each stream processor owns
 * one instance (and so one DJL predictor) and closes it when the processor closes.
 */
public interface StepModel extends AutoCloseable {
  /** Number of steps T in a window; the current step is the last one. */
  int window();

  /** Dimension of one step's feature vector. */
  int featureDim();

  /** Class names in the model's class order, index 0 = background. */
  List<String> classNames();

  /** Identifies the model and its version; copied into every prediction. */
  String modelId();

  /**
   * Scores a batch of windows.
   *
   * @param windows [B][T][featureDim]
   * @return probabilities: current [B][C], future [B][F][C]
   */
  Detector.Output predict(float[][][] windows);

  /** Releases this instance's own resources; the default has none. */
  @Override
  default void close() {}
}
