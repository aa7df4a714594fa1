package io.oad.detector.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The single-output form of an encoder block computes the last row of the full block. */
class EncoderLayerTest {

  @Test
  void shouldComputeTheLastTokenOfTheFullBlock() {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      EncoderLayer layer = new EncoderLayer(32, 4, 40, 0.1f);
      Shape shape = new Shape(3, 7, 32);
      layer.initialize(manager, DataType.FLOAT32, shape);
      Random random = new Random(5);
      for (Pair<String, Parameter> p : layer.getParameters()) {
        NDArray a = p.getValue().getArray();
        float[] values = new float[Math.toIntExact(a.size())];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) random.nextGaussian() * 0.3f;
        }
        a.set(FloatBuffer.wrap(values));
      }
      float[] in = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < in.length; i++) {
        in[i] = (float) random.nextGaussian();
      }
      NDArray x = manager.create(in, shape);
      ParameterStore store = new ParameterStore(manager, false);
      NDArray full = layer.forward(store, new NDList(x), false).head();
      NDArray last = layer.forwardLastToken(store, x, false);
      assertArrayEquals(new long[] {3, 1, 32}, last.getShape().getShape());
      float[] want = full.get(":, -1:, :").toFloatArray();
      float[] got = last.toFloatArray();
      for (int i = 0; i < want.length; i++) {
        assertTrue(Math.abs(want[i] - got[i]) <= 1e-5 * Math.max(1, Math.abs(want[i])), "at " + i);
      }
      // the other tokens do change in the full block: the shortcut skips real work
      NDArray firstIn = x.get(":, 0, :");
      NDArray firstOut = full.get(":, 0, :");
      assertTrue(firstOut.sub(firstIn).abs().max().getFloat() > 1e-2f);
    }
  }
}
