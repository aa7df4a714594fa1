package io.oad.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.ClassLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The persistence and oracle baselines of the future-step mAP on a video small enough to rank by
 * hand. Classes: 0 background, 1 and 2 actions. Segments: class 1 on frames 0-2, background on 3,
 * class 2 on 4-5.
 */
class AnticipationBaselinesTest {
  private static final double EPS = 1e-12;
  private static final ClassLayout LAYOUT = ClassLayout.of(3, 0);
  private static final int[] LABELS = {1, 1, 1, 0, 2, 2};
  private static final double[][] SCORES = {
    {0.1, 0.8, 0.1},
    {0.2, 0.6, 0.2},
    {0.3, 0.3, 0.4},
    {0.6, 0.2, 0.2},
    {0.1, 0.2, 0.7},
    {0.1, 0.1, 0.8},
  };

  private static FrameScores video(double[][][] future) {
    return new FrameScores("v", LABELS, SCORES, future);
  }

  /** Future rows that are one-hot on the true class at t+k (uniform past the end). */
  private static double[][][] perfectFuture() {
    double[][][] f = new double[LABELS.length][2][3];
    for (int t = 0; t < LABELS.length; t++) {
      for (int k = 1; k <= 2; k++) {
        if (t + k < LABELS.length) {
          f[t][k - 1][LABELS[t + k]] = 1;
        } else {
          f[t][k - 1] = new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0};
        }
      }
    }
    return f;
  }

  @Test
  void persistenceScoresTheFutureWithTheCurrentRow() {
    EvalResult r = FrameMetrics.evaluate(LAYOUT, List.of(video(perfectFuture())));
    // t+1: rows of t=0..4 against labels 1,1,0,2,2
    //   class 1: .8+ .6+ .3 .2 .2 -> 1
    //   class 2: .7+ (1/1), .4-, then the tie .2 {-,+}: 2/4 -> (1 + 1/2) / 2 = 3/4
    assertEquals((1 + 0.75) / 2, r.futureMAPPersistence().get(0), EPS);
    // t+2: rows of t=0..3 against labels 1,0,2,2
    //   class 1: .8+ first -> 1
    //   class 2: .4+ (1/1), tie .2 {-,+}: 2/3 -> (1 + 2/3) / 2 = 5/6
    assertEquals((1 + 5.0 / 6) / 2, r.futureMAPPersistence().get(1), EPS);
  }

  @Test
  void oracleKnowsTheCurrentSegmentAndNothingAfterIt() {
    EvalResult r = FrameMetrics.evaluate(LAYOUT, List.of(video(perfectFuture())));
    // t+1: t=0,1 inside segment 1 -> one-hot 1; t=2 (segment ends at 2) and t=3 (background
    // segment of one frame) -> uniform over actions (0, 1/2, 1/2); t=4 inside segment 2.
    //   targets 1,1,0,2,2
    //   class 1: 1+ 1+ .5 .5 0 -> 1
    //   class 2: 1+ (t=4), tie .5 {t=2 -, t=3 +}: 2/3 -> (1 + 2/3) / 2 = 5/6
    assertEquals((1 + 5.0 / 6) / 2, r.futureMAPOracle().get(0), EPS);
    // t+2: t=0 inside (frame 2 is still class 1); t=1,2,3 past their segment's end -> uniform
    //   targets 1,0,2,2
    //   class 1: 1+ first -> 1
    //   class 2: 0-, tie .5 {-,+,+} -> 2/3 each -> 2/3
    assertEquals((1 + 2.0 / 3) / 2, r.futureMAPOracle().get(1), EPS);
    // had the oracle predicted background after a segment ends, class 2 at t+1 would rank its
    // positive t=3 among all the zeros: (1 + 2/5) / 2 = 0.7 and mAP 0.85 instead of 11/12
    assertTrue(Math.abs(r.futureMAPOracle().get(0) - 0.85) > 0.05);
  }

  @Test
  void segmentEndsAreTheLastFrameOfEachRunOfLabels() {
    int[] ends = FrameMetrics.segmentEnds(video(perfectFuture()));
    assertEquals(List.of(2, 2, 2, 3, 5, 5), java.util.Arrays.stream(ends).boxed().toList());
  }

  @Test
  void perfectModelBeatsPersistenceConstantModelDoesNot() {
    EvalResult perfect = FrameMetrics.evaluate(LAYOUT, List.of(video(perfectFuture())));
    assertEquals(List.of(1.0, 1.0), perfect.futureMAP());
    assertTrue(perfect.beatsPersistence());
    assertTrue(HtmlReport.persistenceVerdict(perfect).startsWith("The model beats persistence"));

    double[][][] constant = new double[LABELS.length][2][];
    for (double[][] row : constant) {
      row[0] = new double[] {0.2, 0.4, 0.4};
      row[1] = new double[] {0.2, 0.4, 0.4};
    }
    EvalResult flat = FrameMetrics.evaluate(LAYOUT, List.of(video(constant)));
    // one tie group: AP = share of positives; t+1: class 1 2/5, class 2 2/5
    assertEquals(0.4, flat.futureMAP(1), EPS);
    assertFalse(flat.beatsPersistence());
    assertEquals(List.of(1, 2), flat.stepsNotBeatingPersistence());
    assertTrue(HtmlReport.persistenceVerdict(flat).contains("[t+1, t+2]"));
  }

  @Test
  void reportJsonKeepsFutureMapAndAddsTheBaselines() throws Exception {
    EvalResult r = FrameMetrics.evaluate(LAYOUT, List.of(video(perfectFuture())));
    var json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(EvalReport.toJson(r, null, List.of("background", "a", "b")));
    assertEquals(2, json.get("futureMAP").size());
    assertEquals(
        r.futureMAPPersistence().get(0), json.get("futureMAPPersistence").get(0).asDouble());
    assertEquals(r.futureMAPOracle().get(1), json.get("futureMAPOracle").get(1).asDouble());
    assertTrue(json.get("futureBeatsPersistence").asBoolean());
    String html = HtmlReport.render(r, List.of(), List.of("background", "a", "b"));
    assertTrue(html.contains("persistence (current scores held)"));
    assertTrue(html.contains("oracle (knows the current segment)"));
  }
}
