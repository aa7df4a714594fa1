package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwoStreamBackboneTest {
  private final TwoStreamBackbone backbone =
      TwoStreamBackbone.untrained(TwoStreamConfig.defaults(), 11);

  @TempDir Path dir;

  @AfterEach
  void close() {
    backbone.close();
  }

  private static List<FrameInput> frames(int n) {
    List<FrameInput> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new FrameInput(
              TestFrames.scene(160, 120, 100 + i),
              i % 3 == 0 ? null : TestFrames.scene(160, 120, 200 + i)));
    }
    return out;
  }

  @Test
  void shouldReturnOneFiniteRowOfTheDimensionPerFrame() {
    float[][] rows = backbone.embedFrames(frames(5));

    assertEquals(5, rows.length);
    assertEquals(128, backbone.dimension());
    assertTrue(backbone.usesPreviousFrame());
    for (float[] row : rows) {
      assertEquals(128, row.length);
      for (float v : row) {
        assertTrue(Float.isFinite(v));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> backbone.embedFrames(List.of()));
  }

  @Test
  void shouldBeDeterministicAndIndependentOfTheBatch() {
    List<FrameInput> frames = frames(6);
    float[][] first = backbone.embedFrames(frames);
    float[][] again = backbone.embedFrames(frames);
    float[] alone = backbone.embedFrames(List.of(frames.get(4)))[0];

    for (int i = 0; i < first.length; i++) {
      assertArrayEquals(first[i], again[i]);
    }
    assertArrayEquals(first[4], alone, 1e-4f);
  }

  @Test
  void shouldRoundTripThroughItsFolderWithIdenticalOutputs() {
    List<FrameInput> frames = frames(4);
    float[][] before = backbone.embedFrames(frames);
    backbone.save(dir);

    try (TwoStreamBackbone loaded = TwoStreamBackbone.load(dir)) {
      assertEquals(backbone.id(), loaded.id());
      assertTrue(loaded.id().matches("twostream-v1-[0-9a-f]{12}"), loaded.id());
      assertEquals(backbone.config(), loaded.config());
      float[][] after = loaded.embedFrames(frames);
      for (int i = 0; i < before.length; i++) {
        assertArrayEquals(before[i], after[i]);
      }
    }
  }

  @Test
  void shouldRefuseAFolderWhoseWeightsDoNotMatchItsId() throws Exception {
    backbone.save(dir);
    Path params = dir.resolve(TwoStreamBackbone.PARAMS);
    byte[] bytes = Files.readAllBytes(params);
    bytes[bytes.length - 1] ^= 0x5A;
    Files.write(params, bytes);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TwoStreamBackbone.load(dir));
    assertTrue(e.getMessage().contains("does not hold the weights"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> TwoStreamBackbone.load(dir.resolve("missing")));
  }

  @Test
  void shouldChangeTheEmbeddingWhenThePreviousFrameDiffers() {
    BufferedImage current = TestFrames.scene(160, 120, 1);
    float[][] rows =
        backbone.embedFrames(
            List.of(
                FrameInput.of(current),
                new FrameInput(current, TestFrames.scene(160, 120, 2)),
                new FrameInput(current, TestFrames.scene(160, 120, 3)),
                new FrameInput(current, current)));

    assertFalse(Arrays.equals(rows[0], rows[1]), "motion must matter");
    assertFalse(Arrays.equals(rows[1], rows[2]), "different motion, different embedding");
    assertArrayEquals(rows[0], rows[3], 1e-5f, "no change = no previous frame");
    assertArrayEquals(rows[0], backbone.embed(List.of(current))[0], 1e-5f);
  }

  @Test
  void shouldPoolExactlyAsMaxPool2dOutsideTraining() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      for (Shape shape :
          List.of(new Shape(2, 3, 48, 64), new Shape(1, 2, 7, 9), new Shape(3, 1, 2, 2))) {
        NDArray x = manager.randomNormal(shape);
        NDArray expected =
            Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        NDArray fast = TwoStreamNetwork.MaxPool2x2.stridedMax(x);
        assertEquals(expected.getShape(), fast.getShape(), "shape for " + shape);
        assertTrue(expected.contentEquals(fast), "values for " + shape);
      }
    }
  }

  /** A child block by its name (DJL prefixes the position). */
  private static Block child(Block parent, String name) {
    for (Pair<String, Block> child : parent.getChildren()) {
      if (child.getKey().endsWith(name)) {
        return child.getValue();
      }
    }
    throw new AssertionError("no child " + name + " in " + parent.getChildren().keys());
  }

  /** The stream's stages with the plain DJL ReLU and max_pool2d in place of the fast ones. */
  private static NDArray referenceStream(Block stream, ParameterStore ps, NDArray x) {
    for (Pair<String, Block> child : stream.getChildren()) {
      Block block = child.getValue();
      if (block instanceof TwoStreamNetwork.ReluBeforePool) {
        x = Activation.relu(x);
      } else if (block instanceof TwoStreamNetwork.MaxPool2x2) {
        x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
      } else {
        x = block.forward(ps, new NDList(x), false).singletonOrThrow();
      }
    }
    return x;
  }

  /** Trained-looking BatchNorm statistics and affine parameters, so that folding them matters. */
  private static void randomiseBatchNorms(Block stream, long seed) {
    java.util.Random random = new java.util.Random(seed);
    for (Pair<String, Block> child : stream.getChildren()) {
      if (child.getValue() instanceof ai.djl.nn.norm.BatchNorm norm) {
        set(norm, "gamma", random, 0.5f, 1.5f);
        set(norm, "beta", random, -0.5f, 0.5f);
        set(norm, "runningMean", random, -0.3f, 0.3f);
        set(norm, "runningVar", random, 0.2f, 2f);
      }
    }
  }

  private static void set(Block norm, String name, java.util.Random random, float lo, float hi) {
    NDArray array = norm.getParameters().get(name).getArray();
    float[] values = new float[(int) array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = lo + (hi - lo) * random.nextFloat();
    }
    array.set(values);
  }

  @Test
  void shouldEmbedAsTheReferenceStagesDoWithConvolutionAndBatchNormFolded() {
    TwoStreamNetwork network = backbone.network();
    // before the first embedding, which folds the parameters of that moment
    randomiseBatchNorms(child(network, "appearance"), 1);
    randomiseBatchNorms(child(network, "motion"), 2);
    List<FrameInput> inputs = frames(5);
    float[][] fast = backbone.embedFrames(inputs);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      ParameterStore ps = new ParameterStore(manager, false);
      List<FrameTensor> tensors = inputs.stream().map(backbone.tensors()::of).toList();
      NDList in = TwoStreamBackbone.inputs(manager, network.config(), tensors);
      NDArray a = referenceStream(child(network, "appearance"), ps, in.get(0));
      NDArray m = referenceStream(child(network, "motion"), ps, in.get(1));
      NDArray features = a.concat(m, 1);
      NDArray embedding =
          Activation.relu(
              child(network, "projection")
                  .forward(ps, new NDList(features), false)
                  .singletonOrThrow());
      float[] flat = embedding.toFloatArray();
      int d = backbone.dimension();
      float largest = 0;
      for (float v : flat) {
        largest = Math.max(largest, Math.abs(v));
      }
      assertTrue(largest > 0.01f, "a non-trivial embedding: " + largest);
      for (int i = 0; i < fast.length; i++) {
        // folding changes only the rounding: within 1e-5 of the largest value
        assertArrayEquals(
            Arrays.copyOfRange(flat, i * d, (i + 1) * d), fast[i], 1e-5f * largest, "frame " + i);
      }
    }
  }
}
