package io.oad.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OadtrLossTest {

  /**
   * B = 1, C = 3 with ambiguous class 2, F = 2 with the second future row masked. Current logits
   * (0, 0, 5), target class 1: the ambiguous logit must not count, so p = 1/2 and the term is ln 2.
   * Future row 0: logits (ln 3, 0, 9), target class 0: p = 3/4, term -ln(3/4) over 1 valid row.
   */
  @Test
  void shouldMatchAHandComputedValue() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray current = m.create(new float[] {0, 0, 5}, new Shape(1, 3));
      float ln3 = (float) Math.log(3);
      NDArray future = m.create(new float[] {ln3, 0, 9, 4, -1, 2}, new Shape(1, 2, 3));
      NDArray currentTarget = m.create(new float[] {0, 1, 0}, new Shape(1, 3));
      NDArray futureTarget = m.create(new float[] {1, 0, 0, 0, 1, 0}, new Shape(1, 2, 3));
      NDArray mask = m.create(new float[] {1, 0}, new Shape(1, 2));

      float loss =
          new OadtrLoss(OptionalInt.of(2), 0.5f)
              .compute(new NDList(current, future), currentTarget, futureTarget, mask)
              .getFloat();

      double expected = Math.log(2) + 0.5 * -Math.log(0.75);
      assertEquals(expected, loss, 1e-5);
    }
  }

  /** Without an ambiguous class all logits count; future rows average over B × F valid rows. */
  @Test
  void shouldAverageFutureRowsOverTheBatch() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      // B = 2, C = 2, F = 1; all logits zero: every term is ln 2
      NDArray current = m.zeros(new Shape(2, 2));
      NDArray future = m.zeros(new Shape(2, 1, 2));
      NDArray currentTarget = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
      NDArray futureTarget = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 1, 2));
      NDArray mask = m.ones(new Shape(2, 1));
      float loss =
          new OadtrLoss(OptionalInt.empty(), 0.5f)
              .compute(new NDList(current, future), currentTarget, futureTarget, mask)
              .getFloat();
      assertEquals(1.5 * Math.log(2), loss, 1e-5);
    }
  }

  @Test
  void shouldClipGradientsByTheirGlobalNorm() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray a = m.create(new float[] {3});
      NDArray b = m.create(new float[] {4});
      double norm = GlobalNormClip.clip(List.of(a, b), 1.0);
      assertEquals(5.0, norm, 1e-6);
      assertEquals(0.6f, a.getFloat(), 1e-5);
      assertEquals(0.8f, b.getFloat(), 1e-5);
      GlobalNormClip.clip(List.of(a, b), 2.0); // below the limit: unchanged
      assertEquals(0.6f, a.getFloat(), 1e-5);
    }
  }
}
