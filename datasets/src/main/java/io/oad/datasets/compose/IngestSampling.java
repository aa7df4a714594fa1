package io.oad.datasets.compose;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Which frames of a constant-rate stream the ingestor publishes at a target rate. It runs the
 * ingestor's own {@code io.oad.ingest.FrameSampler} (package-private there, so it is reached by
 * reflection) on the frame times the ingestor computes for a constant-rate file: frame {@code i} at
 * {@code round(i * 1e6 / fps)} microseconds. Step labels built from it therefore line up with the
 * published frames by construction.
 */
final class IngestSampling {
  private static final String SAMPLER = "io.oad.ingest.FrameSampler";

  private IngestSampling() {}

  /** Time of frame {@code i} in microseconds, as the ingestor reads it from a CFR file. */
  static long frameTimeUs(int i, double fps) {
    return Math.round(i * 1_000_000.0 / fps);
  }

  /**
   * Indices of the frames kept, in order: step {@code k} of the model is frame {@code result[k]}.
   *
   * @throws IllegalArgumentException if a rate is not positive
   * @throws IllegalStateException if the ingestor's sampler cannot be reached
   */
  static int[] keptFrames(int frames, double fps, double targetFps) {
    if (!(fps > 0) || !(targetFps > 0)) {
      throw new IllegalArgumentException(
          "rates must be > 0, got fps " + fps + ", targetFps " + targetFps);
    }
    try {
      Class<?> type = Class.forName(SAMPLER);
      Constructor<?> make = type.getDeclaredConstructor(double.class);
      Method accept = type.getDeclaredMethod("accept", long.class);
      make.setAccessible(true);
      accept.setAccessible(true);
      Object sampler = make.newInstance(targetFps);
      int[] kept = new int[frames];
      int n = 0;
      for (int i = 0; i < frames; i++) {
        if ((Boolean) accept.invoke(sampler, frameTimeUs(i, fps))) {
          kept[n++] = i;
        }
      }
      return Arrays.copyOf(kept, n);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException("ingest sampler failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot use " + SAMPLER + " (was it renamed?): " + e, e);
    }
  }
}
