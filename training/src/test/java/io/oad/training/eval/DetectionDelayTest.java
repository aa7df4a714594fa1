package io.oad.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.ClassLayout;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DetectionDelayTest {
  private static final double EPS = 1e-12;
  // 0 background, 1 and 2 actions, 3 ambiguous
  private static final ClassLayout LAYOUT = ClassLayout.withAmbiguous(4, 0, 3);

  @Test
  void shouldMeasureLateMissedAndBackToBackInstances() {
    //  t:          0  1  2  3  4  5  6  7  8  9  10
    //  label:      0  1  1  1  0  2  2  0  1  2  2
    //  top class:  0  0  0  1  0  0  1  0  1  1  2
    // instances: class 1 [1..3] first predicted at t=3 -> delay 2 (late)
    //            class 2 [5..6] never predicted as 2    -> missed
    //            class 1 [8]    predicted at t=8       -> delay 0
    //            class 2 [9..10] (right after the previous one) predicted at t=10 -> delay 1
    int[] labels = {0, 1, 1, 1, 0, 2, 2, 0, 1, 2, 2};
    int[] top = {0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 2};
    double[][] scores = new double[labels.length][];
    for (int t = 0; t < top.length; t++) {
      scores[t] = oneHotish(top[t]);
    }
    // frame 1: ambiguous has the highest score, background the second: the top class must be
    // background, since argmax runs over the non-ambiguous classes only
    scores[1] = new double[] {0.3, 0.2, 0.1, 0.4};

    DelayReport d =
        DetectionDelay.measure(LAYOUT, List.of(FrameScores.of("v", labels, scores)), 0.25);

    assertEquals(
        List.of(
            new ActionInstance("v", 1, 1, 3, OptionalInt.of(2)),
            new ActionInstance("v", 2, 5, 2, OptionalInt.empty()),
            new ActionInstance("v", 1, 8, 1, OptionalInt.of(0)),
            new ActionInstance("v", 2, 9, 2, OptionalInt.of(1))),
        d.instances());
    assertEquals(4, d.total());
    assertEquals(3, d.detected());
    assertEquals(1, d.missed());
    assertEquals(0.75, d.detectionRate(), EPS);
    // delays 2, 0, 1: mean 1, median 1; in seconds x 0.25
    assertEquals(1.0, d.meanSteps(), EPS);
    assertEquals(1.0, d.medianSteps(), EPS);
    assertEquals(0.25, d.meanSeconds(), EPS);
    assertEquals(0.25, d.medianSeconds(), EPS);
  }

  @Test
  void shouldSplitInstancesAtAmbiguousFramesAndIgnoreBackground() {
    // label 1 3 1: the ambiguous frame ends the first run, so there are two instances
    int[] labels = {1, 3, 1, 0};
    double[][] scores = {oneHotish(1), oneHotish(1), oneHotish(0), oneHotish(0)};
    DelayReport d =
        DetectionDelay.measure(LAYOUT, List.of(FrameScores.of("v", labels, scores)), 1.0);
    assertEquals(2, d.total());
    assertTrue(d.instances().get(0).detected());
    assertFalse(d.instances().get(1).detected());
  }

  @Test
  void shouldTakeMedianOfEvenCountAsMiddleMean() {
    // delays 0 and 3 -> median (0 + 3) / 2 = 1.5 steps = 0.75 s at 0.5 s per step
    DelayReport d =
        new DelayReport(
            List.of(
                new ActionInstance("v", 1, 0, 1, OptionalInt.of(0)),
                new ActionInstance("v", 1, 5, 4, OptionalInt.of(3))),
            0.5);
    assertEquals(1.5, d.medianSteps(), EPS);
    assertEquals(0.75, d.medianSeconds(), EPS);
  }

  @Test
  void shouldReportNaNWhenNothingIsDetected() {
    DelayReport d =
        new DelayReport(List.of(new ActionInstance("v", 1, 0, 2, OptionalInt.empty())), 0.25);
    assertEquals(0.0, d.detectionRate(), EPS);
    assertTrue(Double.isNaN(d.meanSteps()));
    assertTrue(Double.isNaN(d.medianSeconds()));
  }

  @Test
  void shouldRejectDelayOutsideTheInstance() {
    assertThrows(
        IllegalArgumentException.class, () -> new ActionInstance("v", 1, 0, 2, OptionalInt.of(2)));
    assertThrows(IllegalArgumentException.class, () -> new DelayReport(List.of(), 0.0));
  }

  /** A row whose top class is {@code c}. */
  private static double[] oneHotish(int c) {
    double[] row = {0.1, 0.1, 0.1, 0.1};
    row[c] = 0.7;
    return row;
  }
}
