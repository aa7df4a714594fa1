package io.oad.topology;

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
   * <p>Each window holds a camera's most recent steps, oldest first: T of them once the camera has
   * been seen for T steps, fewer (at least one) at a cold start. How a short window is completed
   * (the cold-start rule) belongs to the model behind the port, so that the streaming service and
   * the offline evaluation of the same model compute the same thing.
   *
   * @param windows [B][n ≤ T][featureDim]
   * @return probabilities: current [B][C], future [B][F][C]
   */
  Output predict(float[][][] windows);

  /**
   * Scores a batch of windows and names the model that did it. A model that can change while it
   * runs (a hot swap) overrides this so that the output and the id come from the same version; the
   * default pairs {@link #predict} with {@link #modelId()} and {@link #classNames()}.
   */
  default Scored score(float[][][] windows) {
    return new Scored(predict(windows), modelId(), classNames());
  }

  /**
   * What a model returns for a batch of windows: probabilities of the current step [B][C] and of
   * the anticipated steps [B][F][C], class 0 = background.
   */
  record Output(float[][] current, float[][][] future) {}

  /** A model output with the id and class names of the model version that computed it. */
  record Scored(Output output, String modelId, List<String> classNames) {}

  /** Releases this instance's own resources; the default has none. */
  @Override
  default void close() {}
}
