package io.oad.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deterministic stand-in for a detector. Current-step scores are the first C values of the newest
 * step (so a test chooses the action through its input); the scores at future offset k are the
 * current ones rotated by k classes (so the top future class is (top + k) mod C). Records every
 * window it was given.
 */
final class FakeStepModel implements StepModel {
  static final List<String> CLASSES = List.of("background", "walk", "run");
  static final int FUTURE_STEPS = 2;

  private final int window;
  private final int featureDim;
  final List<float[][]> windowsSeen = new ArrayList<>();
  boolean closed;

  FakeStepModel(int window, int featureDim) {
    if (featureDim < CLASSES.size()) {
      throw new IllegalArgumentException("featureDim must be >= " + CLASSES.size());
    }
    this.window = window;
    this.featureDim = featureDim;
  }

  /** A supplier that creates a new model per call and remembers all of them. */
  static final class Factory implements java.util.function.Supplier<StepModel> {
    final List<FakeStepModel> created = new ArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    private final int window;
    private final int featureDim;

    Factory(int window, int featureDim) {
      this.window = window;
      this.featureDim = featureDim;
    }

    @Override
    public synchronized StepModel get() {
      calls.incrementAndGet();
      FakeStepModel m = new FakeStepModel(window, featureDim);
      created.add(m);
      return m;
    }

    FakeStepModel only() {
      if (created.size() != 1) {
        throw new AssertionError("expected one model, got " + created.size());
      }
      return created.get(0);
    }
  }

  @Override
  public int window() {
    return window;
  }

  @Override
  public int featureDim() {
    return featureDim;
  }

  @Override
  public List<String> classNames() {
    return CLASSES;
  }

  @Override
  public String modelId() {
    return "fake-T" + window;
  }

  @Override
  public Output predict(float[][][] windows) {
    if (closed) {
      throw new IllegalStateException("predict after close");
    }
    int c = CLASSES.size();
    float[][] current = new float[windows.length][c];
    float[][][] future = new float[windows.length][FUTURE_STEPS][c];
    for (int b = 0; b < windows.length; b++) {
      float[][] w = windows[b];
      if (w.length < 1 || w.length > window) {
        throw new IllegalArgumentException(
            "window of " + w.length + " steps, expected 1.." + window);
      }
      windowsSeen.add(w);
      float[] newest = w[w.length - 1];
      for (int k = 0; k < c; k++) {
        current[b][k] = newest[k];
      }
      for (int f = 0; f < FUTURE_STEPS; f++) {
        for (int k = 0; k < c; k++) {
          future[b][f][(k + f + 1) % c] = newest[k];
        }
      }
    }
    return new Output(current, future);
  }

  @Override
  public void close() {
    closed = true;
  }
}
