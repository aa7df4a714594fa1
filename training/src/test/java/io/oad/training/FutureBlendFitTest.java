package io.oad.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.detector.Detector;
import io.oad.detector.FutureBlend;
import io.oad.detector.OadtrConfig;
import io.oad.training.eval.FrameMetrics;
import io.oad.training.eval.FrameScores;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FutureBlendFitTest {
  private static final ClassLayout LAYOUT = ClassLayout.of(3, 0);

  /**
   * Labels alternate between actions 1 and 2 in runs of 3. The current row puts 0.8 on the frame's
   * own label. The t+1 row puts 0.8 on the other action (worse than holding the current row), so
   * every a above 0.5 ranks as persistence, a = 0.5 ties everything and below 0.5 ranks as the bad
   * row: the smallest best weight is 0.55. The t+2 row puts 0.8 on the true label at t+2 (perfect),
   * so every a below 0.5 gives AP 1 and the tie goes to 0.
   */
  private static FrameScores handMade() {
    int n = 60;
    int[] labels = new int[n];
    for (int t = 0; t < n; t++) {
      labels[t] = (t / 3) % 2 == 0 ? 1 : 2;
    }
    double[][] current = new double[n][];
    double[][][] future = new double[n][2][];
    for (int t = 0; t < n; t++) {
      current[t] = peaked(labels[t]);
      future[t][0] = peaked(3 - labels[t]);
      future[t][1] = peaked(labels[Math.min(n - 1, t + 2)]);
    }
    return new FrameScores("hand-made", labels, current, future);
  }

  private static double[] peaked(int c) {
    double[] row = {0.1, 0.1, 0.1};
    row[c] = 0.8;
    return row;
  }

  @Test
  void shouldPickTheSmallestWeightWithTheBestFutureMapPerOffset() {
    FutureBlendFit fit = FutureBlendFit.fit(LAYOUT, List.of(handMade()));
    assertEquals(List.of(0.55, 0.0), fit.blend().weights());
    assertEquals(1.0, fit.blendedMAP().get(1), 1e-12);
    assertEquals(fit.persistenceMAP().get(0), fit.blendedMAP().get(0), 1e-12);
    assertTrue(fit.blendedMAP().get(0) > fit.unblendedMAP().get(0));
    // the fitted mAPs are what the evaluator reports for the blended scores
    var evaluated =
        FrameMetrics.evaluate(LAYOUT, FutureBlendFit.blend(List.of(handMade()), fit.blend()));
    assertEquals(fit.blendedMAP(), evaluated.futureMAP());
  }

  @Test
  void shouldScoreWithTheModelsBlendInTheEvaluator() {
    OadtrConfig tiny = OadtrConfig.tiny();
    List<String> classes = List.of("background", "a", "b", "c", "d");
    Random random = new Random(3);
    float[][] features = new float[12][tiny.featureDim()];
    int[] labels = new int[12];
    for (int t = 0; t < features.length; t++) {
      for (int i = 0; i < features[t].length; i++) {
        features[t][i] = (float) random.nextGaussian();
      }
      labels[t] = 1 + t / 4;
    }
    List<LabeledSequence> videos = List.of(new LabeledSequence("v", features, labels));
    try (Detector d = Detector.create(tiny, classes, 9)) {
      List<FrameScores> raw = Evaluator.score(d, videos);
      FutureBlend blend = FutureBlend.of(List.of(0.3, 1.0, 0.0));
      d.setFutureBlend(blend);
      FrameScores served = Evaluator.score(d, videos).get(0);
      FrameScores want = FutureBlendFit.blend(raw, blend).get(0);
      for (int t = 0; t < labels.length; t++) {
        for (int k = 1; k <= 3; k++) {
          assertArrayEquals(want.future()[t][k - 1], served.future()[t][k - 1], 1e-12);
        }
        assertArrayEquals(served.scores()[t], served.future()[t][1], "a = 1 holds the row");
      }
      // the fit ignores the model's own blend
      assertEquals(
          raw.get(0).future()[5][0][2],
          Evaluator.scoreUnblended(d, videos, LAYOUT.ambiguous(), 4).get(0).future()[5][0][2],
          1e-12);
    }
  }
}
