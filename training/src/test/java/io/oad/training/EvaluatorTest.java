package io.oad.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.detector.Detector;
import io.oad.detector.OadtrConfig;
import io.oad.detector.Windows;
import io.oad.training.eval.FrameScores;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  private static final OadtrConfig CONFIG = OadtrConfig.tiny(); // window 6, 48-d, 5 classes, F 3
  private static final List<String> NAMES = List.of("bg", "a", "b", "c", "amb");

  private static LabeledSequence video(int steps, long seed) {
    Random r = new Random(seed);
    float[][] f = new float[steps][CONFIG.featureDim()];
    int[] labels = new int[steps];
    for (int t = 0; t < steps; t++) {
      for (int j = 0; j < f[t].length; j++) {
        f[t][j] = (float) r.nextGaussian();
      }
      labels[t] = r.nextInt(5);
    }
    return new LabeledSequence("v" + seed, f, labels);
  }

  @Test
  void shouldScoreEveryStepLikeOnePaddedWindowAtATime() {
    LabeledSequence v = video(9, 1);
    try (Detector d = Detector.create(CONFIG, NAMES, 3L)) {
      FrameScores batched = Evaluator.score(d, List.of(v), OptionalInt.empty(), 4).get(0);
      FrameScores defaults = Evaluator.score(d, List.of(v)).get(0);
      assertEquals(9, batched.length());
      assertEquals(CONFIG.futureSteps(), batched.futureSteps());
      List<float[]> rows = Arrays.asList(v.features());
      for (int t : new int[] {0, 2, 5, 8}) {
        float[][] w = Windows.leftPad(rows.subList(Math.max(0, t - 5), t + 1), CONFIG.window());
        Detector.Output one = d.predict(new float[][][] {w});
        for (int c = 0; c < 5; c++) {
          assertEquals(one.current()[0][c], batched.score(t, c), 1e-5, "t=" + t + " c=" + c);
          assertEquals(one.future()[0][2][c], batched.futureScore(t, 3, c), 1e-5);
          assertEquals(batched.score(t, c), defaults.score(t, c), 1e-6, "batch size is invisible");
        }
      }
    }
  }

  @Test
  void shouldLeaveTheAmbiguousClassOutOfTheSoftmax() {
    LabeledSequence v = video(3, 2);
    try (Detector d = Detector.create(CONFIG, NAMES, 4L)) {
      FrameScores s = Evaluator.score(d, List.of(v), ClassLayout.withAmbiguous(5, 0, 4)).get(0);
      for (int t = 0; t < 3; t++) {
        assertEquals(0.0, s.score(t, 4));
        assertEquals(1.0, Arrays.stream(s.scores()[t]).sum(), 1e-9);
      }
      assertArrayEquals(v.labels(), s.labels());
    }
  }

  @Test
  void shouldRefuseFeaturesOfTheWrongWidth() {
    LabeledSequence narrow = new LabeledSequence("n", new float[][] {{1, 2}}, new int[] {0});
    try (Detector d = Detector.create(CONFIG, NAMES, 4L)) {
      assertThrows(IllegalArgumentException.class, () -> Evaluator.score(d, List.of(narrow)));
    }
  }
}
