package io.oad.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.ClassLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameMetricsTest {
  private static final double EPS = 1e-12;

  // classes: 0 background, 1 and 2 actions, 3 an action (no positives) or ambiguous
  private static final int[] LABELS = {1, 0, 1, 2, 0};
  private static final double[][] SCORES = {
    {0.10, 0.80, 0.05, 0.05},
    {0.20, 0.70, 0.05, 0.05},
    {0.30, 0.60, 0.05, 0.05},
    {0.10, 0.10, 0.70, 0.10},
    {0.50, 0.10, 0.30, 0.10},
  };

  @Test
  void shouldSkipBackgroundAndClassesWithoutPositives() {
    EvalResult r =
        FrameMetrics.evaluate(ClassLayout.of(4, 0), List.of(FrameScores.of("v", LABELS, SCORES)));
    // class 1: 0.8(+) 0.7(-) 0.6(+) 0.1(-) 0.1(-) -> (1/1 + 2/3) / 2 = 5/6
    assertEquals(5.0 / 6.0, r.ap(1), EPS);
    // class 2: its only positive scores highest (0.7) -> 1
    assertEquals(1.0, r.ap(2), EPS);
    // class 3 has no positive: undefined, reported NaN, left out of the mean
    assertTrue(Double.isNaN(r.ap(3)));
    assertTrue(Double.isNaN(r.ap(0)), "background is not scored");
    assertEquals((5.0 / 6.0 + 1.0) / 2.0, r.mAP(), EPS);
    assertEquals(5, r.evaluatedFrames());
  }

  @Test
  void shouldComputeCalibratedApPerClassAndMcap() {
    EvalResult r =
        FrameMetrics.evaluate(ClassLayout.of(4, 0), List.of(FrameScores.of("v", LABELS, SCORES)));
    // class 1: 2 positives, 3 negatives, w = 1.5; ranking + - + - -
    // 1st positive: 1; 2nd: TP=2 FP=1 -> 1.5*2 / (1.5*2 + 1) = 3/4 -> cAP = (1 + 3/4) / 2 = 7/8
    assertEquals(7.0 / 8.0, r.cap(1), EPS);
    // class 2: positive first -> 1
    assertEquals(1.0, r.cap(2), EPS);
    assertEquals((7.0 / 8.0 + 1.0) / 2.0, r.mcAP(), EPS);
  }

  @Test
  void shouldRemoveAmbiguousFrames() {
    // an extra frame labelled ambiguous (3) with the highest class-1 score: if it were kept it
    // would be a false positive ranked first and class 1 AP would drop to (1/2 + 2/4) / 2 = 1/2
    int[] labels = {1, 0, 1, 2, 0, 3};
    double[][] scores = new double[6][];
    System.arraycopy(SCORES, 0, scores, 0, 5);
    scores[5] = new double[] {0.0, 0.95, 0.0, 0.05};
    FrameScores video = FrameScores.of("v", labels, scores);

    EvalResult r = FrameMetrics.evaluate(ClassLayout.withAmbiguous(4, 0, 3), List.of(video));
    assertEquals(5.0 / 6.0, r.ap(1), EPS);
    assertTrue(Double.isNaN(r.ap(3)), "ambiguous class is not scored");
    assertEquals(5, r.evaluatedFrames());
    assertEquals(1, r.ambiguousFrames());

    EvalResult kept = FrameMetrics.evaluate(ClassLayout.of(4, 0), List.of(video));
    assertEquals(0.5, kept.ap(1), EPS);
  }

  @Test
  void shouldPoolFramesAcrossVideos() {
    FrameScores first =
        FrameScores.of("a", new int[] {1, 0}, new double[][] {SCORES[0], SCORES[1]});
    FrameScores second =
        FrameScores.of("b", new int[] {1, 2, 0}, new double[][] {SCORES[2], SCORES[3], SCORES[4]});
    EvalResult split = FrameMetrics.evaluate(ClassLayout.of(4, 0), List.of(first, second));
    assertEquals((5.0 / 6.0 + 1.0) / 2.0, split.mAP(), EPS);
  }

  @Test
  void shouldScoreFutureStepsAgainstLaterLabelsAndExcludeFramesPastTheEnd() {
    // 2 classes (0 background, 1 action), labels 0 1 1 0, K = 2; only class-1 scores matter.
    // Rows that would reach past the video end get 0.99 so that including them changes the AP.
    int[] labels = {0, 1, 1, 0};
    double[][][] future = {
      {row(0.9), row(0.3)},
      {row(0.2), row(0.6)},
      {row(0.5), row(0.99)},
      {row(0.99), row(0.99)},
    };
    double[][] current = {row(0.1), row(0.9), row(0.8), row(0.2)};
    FrameScores video = new FrameScores("v", labels, current, future);

    EvalResult r = FrameMetrics.evaluate(ClassLayout.of(2, 0), List.of(video));
    // t+1: frames 0..2 against labels[1..3] = 1 1 0, scores 0.9 0.2 0.5
    //      ranking 0.9(+) 0.5(-) 0.2(+) -> (1 + 2/3) / 2 = 5/6
    // t+2: frames 0..1 against labels[2..3] = 1 0, scores 0.3 0.6
    //      ranking 0.6(-) 0.3(+) -> 1/2
    assertEquals(2, r.futureMAP().size());
    assertEquals(5.0 / 6.0, r.futureMAP(1), EPS);
    assertEquals(0.5, r.futureMAP(2), EPS);
    assertEquals(1.0, r.mAP(), EPS);
  }

  @Test
  void shouldRejectRowsThatDoNotFitTheLayout() {
    FrameScores shortRow = FrameScores.of("v", new int[] {1}, new double[][] {{0.5, 0.5}});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FrameMetrics.evaluate(ClassLayout.of(4, 0), List.of(shortRow)));
    assertTrue(e.getMessage().contains("expected 4 scores"), e.getMessage());
    FrameScores badLabel = FrameScores.of("v", new int[] {7}, new double[][] {{0, 0, 0, 1}});
    assertThrows(
        IllegalArgumentException.class,
        () -> FrameMetrics.evaluate(ClassLayout.of(4, 0), List.of(badLabel)));
  }

  @Test
  void shouldRejectVideosWithDifferentFutureSteps() {
    FrameScores none = FrameScores.of("a", new int[] {1}, new double[][] {row(0.5)});
    FrameScores one =
        new FrameScores(
            "b", new int[] {1}, new double[][] {row(0.5)}, new double[][][] {{row(0.5)}});
    assertThrows(
        IllegalArgumentException.class,
        () -> FrameMetrics.evaluate(ClassLayout.of(2, 0), List.of(none, one)));
  }

  @Test
  void shouldCopyArraysSoInputsCannotChangeLater() {
    int[] labels = {1};
    double[][] scores = {row(0.5)};
    FrameScores v = FrameScores.of("v", labels, scores);
    labels[0] = 0;
    scores[0][1] = 0.0;
    assertEquals(1, v.label(0));
    assertEquals(0.5, v.score(0, 1), EPS);
    assertEquals(v, FrameScores.of("v", new int[] {1}, new double[][] {row(0.5)}));
  }

  /** Two-class row with probability p for the action. */
  private static double[] row(double p) {
    return new double[] {1 - p, p};
  }
}
