package io.oad.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/**
 * Pins what DJL's Adam does with the trainer's settings, because the official code relies on
 * torch.optim.Adam: weight decay is an L2 term added to the gradient (not AdamW's decoupled decay)
 * and the first step is bias-corrected.
 */
class AdamSemanticsTest {

  @Test
  void shouldApplyWeightDecayAsAnL2GradientTermLikeTorchAdam() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray w = m.create(new float[] {1f});
      NDArray g = m.create(new float[] {0f});
      Optimizer adam =
          Optimizer.adam()
              .optLearningRateTracker(Tracker.fixed(0.01f))
              .optWeightDecays(0.1f)
              .build();
      adam.update("w", w, g);
      // torch.optim.Adam: g' = g + wd*w = 0.1; m̂ = 0.1, v̂ = 0.01; w -= lr * m̂ / (sqrt(v̂) + eps)
      // AdamW would give 1 - lr*wd*w = 0.999 instead
      assertEquals(0.99f, w.getFloat(), 1e-5);
    }
  }
}
