package io.oad.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticSequencesTest {
  private static final SyntheticSequences.Spec SPEC = SyntheticSequences.Spec.ci();

  @Test
  void shouldBeReproducibleForASeedAndDifferAcrossSeeds() {
    assertEquals(
        SyntheticSequences.generate(SPEC, 3, 5L), SyntheticSequences.generate(SPEC, 3, 5L));
    assertNotEquals(
        SyntheticSequences.generate(SPEC, 3, 5L), SyntheticSequences.generate(SPEC, 3, 6L));
  }

  @Test
  void shouldProduceBackgroundAndEveryActionWithinTheSpec() {
    List<LabeledSequence> seqs = SyntheticSequences.generate(SPEC, 20, 1L);
    int[] counts = new int[SPEC.numClasses()];
    for (LabeledSequence s : seqs) {
      assertTrue(s.length() >= SPEC.minLength() && s.length() <= SPEC.maxLength());
      assertEquals(SPEC.featureDim(), s.dim());
      assertEquals(0, s.label(0), "a video starts with background");
      for (int label : s.labels()) {
        counts[label]++;
      }
    }
    for (int c = 0; c < counts.length; c++) {
      assertTrue(counts[c] > 100, "class " + c + " has only " + counts[c] + " steps");
    }
  }

  /**
   * Without noise every step is exactly one prototype; each class must show every prototype about
   * equally often, so a single step carries no information about the class.
   */
  @Test
  void shouldNotLetASingleStepIdentifyTheClass() {
    SyntheticSequences.Spec clean =
        new SyntheticSequences.Spec(8, 4, 4, 300, 300, 12, 30, 6, 20, 0.0, 7L);
    List<float[]> prototypes = new ArrayList<>();
    int[][] histogram = new int[clean.numClasses()][clean.prototypes()];
    for (LabeledSequence s : SyntheticSequences.generate(clean, 60, 3L)) {
      float[][] f = s.features();
      for (int t = 0; t < s.length(); t++) {
        int p = indexOf(prototypes, f[t]);
        histogram[s.label(t)][p]++;
      }
    }
    assertEquals(clean.prototypes(), prototypes.size(), "only prototypes appear");
    for (int c = 0; c < histogram.length; c++) {
      int total = Arrays.stream(histogram[c]).sum();
      for (int p = 0; p < clean.prototypes(); p++) {
        double share = histogram[c][p] / (double) total;
        assertTrue(
            share > 0.18 && share < 0.32,
            "class " + c + " shows prototype " + p + " in " + share + " of its steps");
      }
    }
  }

  @Test
  void shouldRefuseMoreActionsThanDistinctRhythms() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new SyntheticSequences.Spec(8, 7, 3, 10, 20, 2, 4, 2, 4, 0.1, 1L));
  }

  private static int indexOf(List<float[]> known, float[] row) {
    for (int i = 0; i < known.size(); i++) {
      if (Arrays.equals(known.get(i), row)) {
        return i;
      }
    }
    known.add(row);
    return known.size() - 1;
  }
}
