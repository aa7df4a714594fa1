package io.oad.detector.weights;

import io.oad.detector.model.OadtrBlock;
import io.oad.detector.model.OfficialParameter;
import java.nio.FloatBuffer;
import java.util.Random;

/**
 * Fills an initialised block with seeded random values that follow PyTorch's default
 * initialisations of the official modules. Values are drawn in Java, in the official parameter
 * order, so the same seed always gives the same model, whatever the engine.
 */
public final class SeededInit {
  private SeededInit() {}

  /** Overwrites every parameter of {@code block} (which must be initialised). */
  public static void apply(OadtrBlock block, long seed) {
    Random random = new Random(seed);
    for (OfficialParameter p : block.officialParameters()) {
      float[] values = new float[Math.toIntExact(p.shape().size())];
      switch (p.init()) {
        case ZEROS -> {}
        case ONES -> java.util.Arrays.fill(values, 1f);
        case NORMAL -> {
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
          }
        }
        case FAN_IN_UNIFORM -> {
          float bound = (float) (1.0 / Math.sqrt(p.fanIn()));
          for (int i = 0; i < values.length; i++) {
            values[i] = (2f * random.nextFloat() - 1f) * bound;
          }
        }
      }
      p.parameter().getArray().set(FloatBuffer.wrap(values));
    }
  }
}
