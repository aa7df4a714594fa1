package io.oad.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AveragePrecisionTest {
  private static final double EPS = 1e-12;
  private static final boolean T = true;
  private static final boolean F = false;

  @Test
  void shouldGiveOneForPerfectRanking() {
    // both positives ranked above both negatives: precision 1/1 and 2/2
    double ap = AveragePrecision.of(new double[] {0.3, 0.9, 0.1, 0.8}, new boolean[] {F, T, F, T});
    assertEquals(1.0, ap, EPS);
  }

  @Test
  void shouldAveragePrecisionAtEachTruePositive() {
    // ranking 0.9(+) 0.8(-) 0.7(+): precision at the positives 1/1 and 2/3 -> (1 + 2/3) / 2
    double expected = (1.0 + 2.0 / 3.0) / 2.0;
    assertEquals(
        expected, AveragePrecision.of(new double[] {0.9, 0.8, 0.7}, new boolean[] {T, F, T}), EPS);
    // input order does not matter
    assertEquals(
        expected, AveragePrecision.of(new double[] {0.7, 0.9, 0.8}, new boolean[] {T, T, F}), EPS);
  }

  @Test
  void shouldTreatTiedScoresAsOneThresholdGroup() {
    // 0.9(+) | 0.5(+) 0.5(-) 0.5(+) | 0.1(-)
    // groups: after 0.9: TP=1 FP=0 P=1 (1 positive); after the 0.5 group: TP=3 FP=1 P=3/4
    // (2 positives) -> AP = (1 + 2 * 3/4) / 3 = 5/6.
    // sklearn: sum dR*P = 1/3*1 + 2/3*3/4 + 0*3/5 = 5/6.
    // Any fixed order inside the tie would give (1 + 1 + 3/4)/3 = 0.9167 or (1 + 2/3 + 3/4)/3.
    double[] scores = {0.9, 0.5, 0.5, 0.5, 0.1};
    assertEquals(5.0 / 6.0, AveragePrecision.of(scores, new boolean[] {T, T, F, T, F}), EPS);
    assertEquals(5.0 / 6.0, AveragePrecision.of(scores, new boolean[] {T, F, T, T, F}), EPS);
    assertEquals(5.0 / 6.0, AveragePrecision.of(scores, new boolean[] {T, T, T, F, F}), EPS);
  }

  @Test
  void shouldReturnNaNForClassWithoutPositives() {
    assertTrue(Double.isNaN(AveragePrecision.of(new double[] {0.2, 0.4}, new boolean[] {F, F})));
    assertTrue(
        Double.isNaN(AveragePrecision.calibrated(new double[] {0.2, 0.4}, new boolean[] {F, F})));
  }

  @Test
  void shouldCalibratePrecisionOnImbalancedClass() {
    // ranking + - + - - - - - : 2 positives, 6 negatives, w = 3
    // at 1st positive TP=1 FP=0 -> 1; at 2nd TP=2 FP=1 -> 3*2 / (3*2 + 1) = 6/7
    // cAP = (1 + 6/7) / 2 = 13/14, while plain AP = (1 + 2/3) / 2 = 5/6
    double[] scores = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2};
    boolean[] pos = {T, F, T, F, F, F, F, F};
    assertEquals(13.0 / 14.0, AveragePrecision.calibrated(scores, pos), EPS);
    assertEquals(5.0 / 6.0, AveragePrecision.of(scores, pos), EPS);
  }

  @Test
  void shouldEqualPlainApWhenClassesAreBalanced() {
    // w = 2/2 = 1, so cPrec = TP / (TP + FP): (1 + 2/3) / 2 for both
    double[] scores = {0.9, 0.8, 0.7, 0.6};
    boolean[] pos = {T, F, T, F};
    assertEquals(AveragePrecision.of(scores, pos), AveragePrecision.calibrated(scores, pos), EPS);
    assertEquals((1.0 + 2.0 / 3.0) / 2.0, AveragePrecision.calibrated(scores, pos), EPS);
  }

  @Test
  void shouldRejectMismatchedLengthsAndNaNScores() {
    assertThrows(
        IllegalArgumentException.class,
        () -> AveragePrecision.of(new double[] {0.1}, new boolean[] {T, F}));
    assertThrows(
        IllegalArgumentException.class,
        () -> AveragePrecision.of(new double[] {Double.NaN}, new boolean[] {T}));
  }

  @Test
  void shouldMatchRankByRankDefinitionWhenScoresAreDistinct() {
    // without ties the grouped computation must equal the textbook loop over ranks
    java.util.Random random = new java.util.Random(7);
    for (int trial = 0; trial < 50; trial++) {
      int n = 1 + random.nextInt(40);
      double[] scores = new double[n];
      boolean[] pos = new boolean[n];
      for (int i = 0; i < n; i++) {
        scores[i] = random.nextDouble(); // distinct with probability 1
        pos[i] = random.nextInt(3) == 0;
      }
      double naive = naiveAp(scores, pos);
      double ap = AveragePrecision.of(scores, pos);
      if (Double.isNaN(naive)) {
        assertTrue(Double.isNaN(ap));
      } else {
        assertEquals(naive, ap, 1e-12, "trial " + trial);
      }
    }
  }

  /** Sort indices by descending score, then average tp/rank over the positives. */
  private static double naiveAp(double[] scores, boolean[] pos) {
    Integer[] idx = new Integer[scores.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> Double.compare(scores[b], scores[a]));
    int tp = 0;
    double sum = 0;
    for (int rank = 1; rank <= idx.length; rank++) {
      if (pos[idx[rank - 1]]) {
        tp++;
        sum += (double) tp / rank;
      }
    }
    return tp == 0 ? Double.NaN : sum / tp;
  }

  @Test
  void shouldMeanOnlyDefinedValues() {
    assertEquals(0.5, AveragePrecision.meanOfDefined(new double[] {Double.NaN, 0.25, 0.75}), EPS);
    assertTrue(Double.isNaN(AveragePrecision.meanOfDefined(new double[] {Double.NaN})));
  }
}
