package io.oad.detector.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * Every path of {@link Attention#attend} (strided views with one product per batch element when B ≤
 * H or per head otherwise; copied heads for small inputs) equals the textbook form: heads split
 * into a [B, H, N, E] copy, q k^T / sqrt(E), softmax, times v, heads merged back.
 */
class AttentionTest {
  private static final int HEADS = 4;
  private static final int WIDTH = 32;

  @Test
  void shouldEqualTheTextbookFormForEveryBatchSizeOnPackedViews() {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      manager.getEngine().setRandomSeed(3);
      // 1 and 3 take the per-row path (B <= H), 4 is the boundary, 6 the per-head path
      for (int batch : new int[] {1, 3, 4, 6}) {
        for (boolean causal : new boolean[] {false, true}) {
          NDArray packed = manager.randomNormal(new Shape(batch, 7, 3 * WIDTH));
          NDList qkv = packed.split(3, 2); // views whose rows are 3·WIDTH apart
          NDArray want = textbook(qkv.get(0), qkv.get(1), qkv.get(2), causal);
          for (long small : new long[] {0, Long.MAX_VALUE}) {
            NDArray got =
                Attention.attend(
                    qkv.get(0), qkv.get(1), qkv.get(2), HEADS, causal, 0.1f, false, small);
            String path = small == 0 ? " in place" : " copied heads";
            assertClose(want, got, "batch " + batch + (causal ? " causal" : "") + path);
          }
        }
      }
    }
  }

  @Test
  void shouldShareOneQueryRowWithEveryElementOfTheBatch() {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      manager.getEngine().setRandomSeed(4);
      for (int batch : new int[] {2, 6}) {
        NDArray q = manager.randomNormal(new Shape(1, 3, WIDTH));
        NDArray k = manager.randomNormal(new Shape(batch, 9, WIDTH));
        NDArray v = manager.randomNormal(new Shape(batch, 9, WIDTH));
        NDArray want = textbook(q.broadcast(new Shape(batch, 3, WIDTH)), k, v, false);
        for (long small : new long[] {0, Long.MAX_VALUE}) {
          NDArray got = Attention.attend(q, k, v, HEADS, false, 0f, false, small);
          assertClose(want, got, "shared query, batch " + batch + ", small " + small);
        }
      }
    }
  }

  /** The 4-D form with contiguous [B, H, N, E] heads. */
  private static NDArray textbook(NDArray q, NDArray k, NDArray v, boolean causal) {
    long batch = k.getShape().get(0);
    long l = q.getShape().get(1);
    long s = k.getShape().get(1);
    int e = WIDTH / HEADS;
    NDArray qh = q.reshape(batch, l, HEADS, e).transpose(0, 2, 1, 3);
    NDArray kh = k.reshape(batch, s, HEADS, e).transpose(0, 2, 1, 3);
    NDArray vh = v.reshape(batch, s, HEADS, e).transpose(0, 2, 1, 3);
    NDArray scores = qh.matMul(kh.transpose(0, 1, 3, 2)).div(Math.sqrt(e));
    if (causal) {
      float[] mask = new float[(int) (l * s)];
      for (int i = 0; i < l; i++) {
        for (int j = i + 1; j < s; j++) {
          mask[(int) (i * s + j)] = Float.NEGATIVE_INFINITY;
        }
      }
      scores = scores.add(q.getManager().create(mask, new Shape(l, s)));
    }
    return scores.softmax(-1).matMul(vh).transpose(0, 2, 1, 3).reshape(batch, l, WIDTH);
  }

  private static void assertClose(NDArray want, NDArray got, String what) {
    assertArrayEquals(want.getShape().getShape(), got.getShape().getShape(), what);
    float[] a = want.toFloatArray();
    float[] b = got.toFloatArray();
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    assertTrue(worst < 1e-5, what + ": max abs diff " + worst);
  }
}
