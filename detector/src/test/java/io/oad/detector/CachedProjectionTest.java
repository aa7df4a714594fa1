package io.oad.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Predictions from cached projected steps ({@link Detector#project} + {@link
 * Detector#predictProjected}, {@link StreamingDetector}) equal {@link Detector#predict} on the raw
 * windows.
 */
class CachedProjectionTest {
  static final double TOLERANCE = 1e-5;

  @Test
  void shouldMatchPredictOnThePaperConfigurationWithRandomWeights() {
    OadtrConfig paper = OadtrConfig.thumos();
    try (Detector d = Detector.create(paper, names(paper.numClasses()), 11)) {
      assertCachedEqualsFull(d, gaussian(2, paper.window(), paper.featureDim(), 21L, 1f));
    }
  }

  @Test
  void shouldMatchPredictOnTheShippedModel() {
    Path shipped = Path.of(System.getProperty("oad.root", ".."), "models", "detector");
    assertTrue(
        Files.isRegularFile(shipped.resolve("model.json")), "shipped model missing: " + shipped);
    try (Detector d = Detector.load(shipped)) {
      OadtrConfig c = d.config();
      assertCachedEqualsFull(d, gaussian(8, c.window(), c.featureDim(), 22L, 1f));
    }
  }

  @Test
  void shouldMatchPredictOfTheSingleOutputVariant() {
    OadtrConfig c = OadtrConfig.tiny().withVariant(OadtrVariant.SINGLE_OUTPUT);
    try (Detector d = Detector.create(c, names(c.numClasses()), 12)) {
      assertCachedEqualsFull(d, gaussian(3, c.window(), c.featureDim(), 23L, 1f));
    }
  }

  @Test
  void shouldStreamTheSamePredictionsAsLeftPaddedWindowsFromTheFirstStep() {
    OadtrConfig c = OadtrConfig.tiny();
    int steps = c.window() + 4; // cold start, full window, then sliding
    float[][] a = gaussian(1, steps, c.featureDim(), 31L, 1f)[0];
    float[][] b = gaussian(1, steps, c.featureDim(), 32L, 1f)[0];
    try (Detector d = Detector.create(c, names(c.numClasses()), 13)) {
      StreamingDetector streaming = new StreamingDetector(d);
      StreamingDetector.Stream sa = streaming.newStream();
      StreamingDetector.Stream sb = streaming.newStream();
      List<float[]> seenA = new ArrayList<>();
      List<float[]> seenB = new ArrayList<>();
      for (int t = 0; t < steps; t++) {
        seenA.add(a[t]);
        seenB.add(b[t]);
        Detector.Output got = streaming.step(List.of(sa, sb), new float[][] {a[t], b[t]});
        Detector.Output want =
            d.predict(
                new float[][][] {
                  Windows.leftPad(seenA, c.window()), Windows.leftPad(seenB, c.window())
                });
        assertEquals(0, maxDiff(want, got), TOLERANCE, "step " + t);
      }
      assertEquals(steps, sa.steps());
      // a single stream, after a reset, starts over with cold-start padding
      sa.reset();
      Detector.Output first = streaming.step(sa, b[0]);
      Detector.Output want =
          d.predict(new float[][][] {Windows.leftPad(List.of(b[0]), c.window())});
      assertEquals(0, maxDiff(want, first), TOLERANCE);
    }
  }

  @Test
  void shouldRefuseTokensOfTheWrongWidthAndUnpairedSteps() {
    OadtrConfig c = OadtrConfig.tiny();
    try (Detector d = Detector.create(c, names(c.numClasses()), 14)) {
      // raw features where projected ones are expected
      float[][][] raw = gaussian(1, c.window(), c.featureDim(), 41L, 1f);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> d.predictProjected(raw));
      assertTrue(e.getMessage().contains("projected features"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> d.project(new float[][] {new float[3]}));
      StreamingDetector s = new StreamingDetector(d);
      StreamingDetector.Stream one = s.newStream();
      assertThrows(
          IllegalArgumentException.class,
          () -> s.step(List.of(one, one), new float[][] {raw[0][0], raw[0][1]}));
      assertThrows(
          IllegalArgumentException.class, () -> s.step(List.of(one), new float[2][c.featureDim()]));
    }
  }

  /** Projects every step of every window, then predicts from the projections. */
  static void assertCachedEqualsFull(Detector d, float[][][] windows) {
    int t = d.config().window();
    float[][][] tokens = new float[windows.length][][];
    for (int b = 0; b < windows.length; b++) {
      // one step per call, as a stream would project them
      tokens[b] = new float[t][];
      for (int s = 0; s < t; s++) {
        tokens[b][s] = d.project(new float[][] {windows[b][s]})[0];
      }
    }
    double probs = maxDiff(d.predict(windows), d.predictProjected(tokens));
    Detector.Output logits = d.logits(windows);
    double logitDiff = maxDiff(logits, d.logitsProjected(tokens));
    double logitScale = Math.max(1, maxAbs(logits));
    System.err.printf(
        "cached projection vs predict: max |dp| %.2e, max |dlogit| %.2e (logits up to %.1f)%n",
        probs, logitDiff, logitScale);
    assertTrue(probs <= TOLERANCE, "probabilities differ by " + probs);
    assertTrue(logitDiff <= TOLERANCE * logitScale, "logits differ by " + logitDiff);
  }

  static double maxDiff(Detector.Output x, Detector.Output y) {
    double m = 0;
    for (int b = 0; b < x.current().length; b++) {
      for (int c = 0; c < x.current()[b].length; c++) {
        m = Math.max(m, Math.abs(x.current()[b][c] - y.current()[b][c]));
      }
      for (int f = 0; f < x.future()[b].length; f++) {
        for (int c = 0; c < x.future()[b][f].length; c++) {
          m = Math.max(m, Math.abs(x.future()[b][f][c] - y.future()[b][f][c]));
        }
      }
    }
    return m;
  }

  private static double maxAbs(Detector.Output x) {
    double m = 0;
    for (float[] row : x.current()) {
      for (float v : row) {
        m = Math.max(m, Math.abs(v));
      }
    }
    for (float[][] steps : x.future()) {
      for (float[] row : steps) {
        for (float v : row) {
          m = Math.max(m, Math.abs(v));
        }
      }
    }
    return m;
  }

  static float[][][] gaussian(int batch, int window, int dim, long seed, float scale) {
    Random r = new Random(seed);
    float[][][] w = new float[batch][window][dim];
    for (float[][] steps : w) {
      for (float[] step : steps) {
        for (int i = 0; i < dim; i++) {
          step[i] = (float) r.nextGaussian() * scale;
        }
      }
    }
    return w;
  }

  static List<String> names(int classes) {
    List<String> n = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      n.add("class" + c);
    }
    return n;
  }
}
