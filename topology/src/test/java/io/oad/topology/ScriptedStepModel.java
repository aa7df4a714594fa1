package io.oad.topology;

import java.util.List;

/**
 * A stand-in detector whose whole output a test writes into the newest step's features: {@code
 * [cur_background, cur_walk, cur_run, fut_background, fut_walk, fut_run, offset]}. The current
 * scores are the first three values; at future offset {@code offset} (1..{@link #FUTURE_STEPS}) the
 * scores are the next three; every other future offset (and all of them when offset is 0) predicts
 * background with probability 1.
 */
final class ScriptedStepModel implements StepModel {
  static final List<String> CLASSES = List.of("background", "walk", "run");
  static final int FUTURE_STEPS = 4;
  static final int DIM = 7;

  private final int window;

  ScriptedStepModel(int window) {
    this.window = window;
  }

  /** The features that make the model output these scores. */
  static float[] features(float walk, float run, int futureOffset, float futWalk, float futRun) {
    return new float[] {
      1 - walk - run, walk, run, 1 - futWalk - futRun, futWalk, futRun, futureOffset
    };
  }

  @Override
  public int window() {
    return window;
  }

  @Override
  public int featureDim() {
    return DIM;
  }

  @Override
  public List<String> classNames() {
    return CLASSES;
  }

  @Override
  public String modelId() {
    return "scripted";
  }

  @Override
  public Output predict(float[][][] windows) {
    int c = CLASSES.size();
    float[][] current = new float[windows.length][];
    float[][][] future = new float[windows.length][FUTURE_STEPS][c];
    for (int b = 0; b < windows.length; b++) {
      float[] newest = windows[b][windows[b].length - 1];
      current[b] = java.util.Arrays.copyOfRange(newest, 0, c);
      int offset = Math.round(newest[2 * c]);
      for (int f = 0; f < FUTURE_STEPS; f++) {
        future[b][f] =
            f + 1 == offset
                ? java.util.Arrays.copyOfRange(newest, c, 2 * c)
                : new float[] {1, 0, 0};
      }
    }
    return new Output(current, future);
  }
}
