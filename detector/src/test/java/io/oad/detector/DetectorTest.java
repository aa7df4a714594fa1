package io.oad.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorTest {
  static final List<String> CLASSES = List.of("background", "wave", "jump", "run", "ambiguous");
  static final OadtrConfig TINY = OadtrConfig.tiny();

  @TempDir Path dir;

  static float[][][] windows(int batch, long seed) {
    Random random = new Random(seed);
    float[][][] w = new float[batch][TINY.window()][TINY.featureDim()];
    for (float[][] window : w) {
      for (float[] step : window) {
        for (int i = 0; i < step.length; i++) {
          step[i] = (float) random.nextGaussian();
        }
      }
    }
    return w;
  }

  @Test
  void shouldReturnCurrentAndFutureProbabilitiesOfTheRightShape() {
    try (Detector d = Detector.create(TINY, CLASSES, 1)) {
      Detector.Output out = d.predict(windows(2, 5));
      assertEquals(2, out.current().length);
      assertEquals(5, out.current()[0].length);
      assertEquals(2, out.future().length);
      assertEquals(3, out.future()[0].length);
      assertEquals(5, out.future()[0][2].length);
    }
  }

  @Test
  void shouldReturnSoftmaxRowsThatSumToOne() {
    try (Detector d = Detector.create(TINY, CLASSES, 2)) {
      Detector.Output out = d.predict(windows(2, 6));
      for (float[] row : out.current()) {
        assertEquals(1.0, sum(row), 1e-5);
      }
      for (float[][] steps : out.future()) {
        for (float[] row : steps) {
          assertEquals(1.0, sum(row), 1e-5);
          for (float p : row) {
            assertTrue(p > 0f && p < 1f);
          }
        }
      }
    }
  }

  @Test
  void shouldMatchSoftmaxOfLogits() {
    try (Detector d = Detector.create(TINY, CLASSES, 3)) {
      float[][][] in = windows(1, 7);
      float[] logits = d.logits(in).current()[0];
      float[] probs = d.predict(in).current()[0];
      double z = 0;
      for (float l : logits) {
        z += Math.exp(l);
      }
      for (int c = 0; c < logits.length; c++) {
        assertEquals(Math.exp(logits[c]) / z, probs[c], 1e-6);
      }
    }
  }

  @Test
  void shouldBeDeterministicForASeed() {
    float[][][] in = windows(2, 8);
    try (Detector a = Detector.create(TINY, CLASSES, 42);
        Detector b = Detector.create(TINY, CLASSES, 42);
        Detector c = Detector.create(TINY, CLASSES, 43)) {
      assertEquals(a.modelId(), b.modelId());
      assertTrue(Arrays.deepEquals(a.logits(in).future(), b.logits(in).future()));
      assertTrue(Arrays.deepEquals(a.logits(in).current(), b.logits(in).current()));
      assertFalse(Arrays.deepEquals(a.logits(in).current(), c.logits(in).current()));
    }
  }

  @Test
  void shouldGiveIdenticalOutputsAfterSaveAndLoad() throws Exception {
    float[][][] in = windows(2, 9);
    Path archive = dir.resolve("model");
    Detector.Output before;
    String id;
    try (Detector d = Detector.create(TINY, CLASSES, 11)) {
      before = d.logits(in);
      id = d.modelId();
      d.save(archive);
    }
    assertTrue(Files.isRegularFile(archive.resolve("model.json")));
    try (Detector loaded = Detector.load(archive)) {
      assertEquals(id, loaded.modelId());
      assertEquals(CLASSES, loaded.classNames());
      assertEquals(TINY, loaded.config());
      assertEquals(new FeatureSpec(48, null), loaded.featureSpec());
      Detector.Output after = loaded.logits(in);
      assertTrue(Arrays.deepEquals(before.current(), after.current()));
      assertTrue(Arrays.deepEquals(before.future(), after.future()));
    }
  }

  @Test
  void shouldReproduceOfficialLogitsThroughTheFacade() throws Exception {
    try (Detector d =
        Detector.fromOfficial(
            Reference.tiny("weights.npz"), Reference.tiny("config.json"), CLASSES, "tiny-ref")) {
      float[] expected;
      float[][][] in = new float[3][6][48];
      try (ai.djl.ndarray.NDManager m =
          ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
        float[] flat = Reference.npy(m, "input.npy").toFloatArray();
        for (int i = 0; i < flat.length; i++) {
          in[i / 288][(i / 48) % 6][i % 48] = flat[i];
        }
        expected = Reference.npy(m, "expected_current_logits.npy").toFloatArray();
      }
      float[][] current = d.logits(in).current();
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], current[i / 5][i % 5], 1e-5);
      }
    }
  }

  @Test
  void shouldPredictEachWindowAloneAsInOneBatch() throws Exception {
    // batch 7 > the 4 encoder heads: the per-head attention path; alone: the per-row path and the
    // decoder queries shared by the batch; both must give the same logits (and the official ones)
    try (Detector d =
        Detector.fromOfficial(
            Reference.tiny("weights.npz"), Reference.tiny("config.json"), CLASSES, "tiny-ref")) {
      float[][][] batch = windows(7, 11);
      Detector.Output together = d.logits(batch);
      for (int b = 0; b < batch.length; b++) {
        Detector.Output alone = d.logits(new float[][][] {batch[b]});
        assertArrayEquals(together.current()[b], alone.current()[0], 1e-5f, "window " + b);
        for (int s = 0; s < TINY.futureSteps(); s++) {
          assertArrayEquals(
              together.future()[b][s], alone.future()[0][s], 1e-5f, "window " + b + " step " + s);
        }
      }
    }
  }

  @Test
  void shouldGiveTheSameResultsToConcurrentCallers() throws Exception {
    try (Detector d = Detector.create(TINY, CLASSES, 12)) {
      float[][][] in = windows(2, 13);
      float[][] expected = d.predict(in).current();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<float[][]>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          results.add(pool.submit(() -> d.predict(in).current()));
        }
        for (Future<float[][]> r : results) {
          assertArrayEquals(expected, r.get());
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void shouldRefuseWindowsOfTheWrongLength() {
    try (Detector d = Detector.create(TINY, CLASSES, 1)) {
      float[][][] shortWindow = {new float[5][48]};
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> d.predict(shortWindow));
      assertTrue(e.getMessage().contains("5 steps"), e.getMessage());
      float[][][] narrow = {new float[6][47]};
      e = assertThrows(IllegalArgumentException.class, () -> d.predict(narrow));
      assertTrue(e.getMessage().contains("47 features"), e.getMessage());
    }
  }

  @Test
  void shouldRefuseClassNamesThatDoNotFitTheConfig() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Detector.create(TINY, List.of("background", "wave"), 1));
    assertTrue(e.getMessage().contains("2 class names"), e.getMessage());
  }

  @Test
  void shouldKeepTheDeclaredExtractorThroughAnArchive() {
    Path archive = dir.resolve("with-extractor");
    try (Detector d = Detector.create(TINY, CLASSES, 1, new FeatureSpec(48, "pooled-v1"))) {
      d.save(archive);
    }
    try (Detector loaded = Detector.load(archive)) {
      assertEquals("pooled-v1", loaded.featureSpec().extractorId());
    }
  }

  @Test
  void shouldRefuseADirectoryWithoutManifest() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Detector.load(dir));
    assertTrue(e.getMessage().contains("model.json"), e.getMessage());
  }

  @Test
  void shouldRefuseUseAfterClose() {
    Detector d = Detector.create(TINY, CLASSES, 1);
    d.close();
    assertThrows(IllegalStateException.class, () -> d.predict(windows(1, 1)));
  }

  private static double sum(float[] row) {
    double s = 0;
    for (float v : row) {
      s += v;
    }
    return s;
  }
}
