package io.oad.topology.internal;

import io.oad.topology.StepModel;
import java.util.ArrayList;
import java.util.List;

/**
 * A step model for the internal tests: the current scores are the first three values of the newest
 * step, the one future step repeats them; records the size of every call and can be told to fail.
 */
final class RecordingStepModel implements StepModel {
  final List<Integer> calls = new ArrayList<>();
  private final int window;
  private final int dim;
  boolean fail;

  RecordingStepModel(int window, int dim) {
    this.window = window;
    this.dim = dim;
  }

  @Override
  public int window() {
    return window;
  }

  @Override
  public int featureDim() {
    return dim;
  }

  @Override
  public List<String> classNames() {
    return List.of("bg", "x", "y");
  }

  @Override
  public String modelId() {
    return "recording";
  }

  @Override
  public Output predict(float[][][] windows) {
    if (fail) {
      throw new IllegalStateException("model failure for the test");
    }
    calls.add(windows.length);
    float[][] current = new float[windows.length][];
    float[][][] future = new float[windows.length][][];
    for (int b = 0; b < windows.length; b++) {
      float[] newest = windows[b][windows[b].length - 1];
      current[b] = new float[] {newest[0], newest[1], newest[2]};
      future[b] = new float[][] {current[b].clone()};
    }
    return new Output(current, future);
  }
}
