package io.oad.detector;

import java.util.List;

/**
 * How a window is built from the steps seen so far, shared by offline evaluation and the streaming
 * topology so both compute the same thing. Cold start (fewer than T steps): the window is
 * left-padded by repeating the earliest step.
 */
public final class Windows {
  private Windows() {}

  /**
   * Builds a [T][D] window whose last row is the newest step.
   *
   * @param steps the most recent steps, oldest first (at least one, at most T are used)
   */
  public static float[][] leftPad(List<float[]> steps, int window) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a window needs at least one step");
    }
    float[][] out = new float[window][];
    int n = Math.min(steps.size(), window);
    int first = steps.size() - n;
    int pad = window - n;
    for (int i = 0; i < pad; i++) {
      out[i] = steps.get(first);
    }
    for (int i = 0; i < n; i++) {
      out[pad + i] = steps.get(first + i);
    }
    return out;
  }
}
