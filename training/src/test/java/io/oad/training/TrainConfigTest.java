package io.oad.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.SyntheticSequences;
import io.oad.detector.OadtrConfig;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

  @Test
  void shouldCarryTheOfficialThumosRecipe() {
    TrainConfig c = TrainConfig.paperThumos();
    assertEquals(OadtrConfig.thumos(), c.model());
    assertEquals(4, c.epochs());
    assertEquals(128, c.batchSize());
    assertEquals(1e-4f, c.learningRate());
    assertEquals(1e-4f, c.weightDecay());
    assertEquals(0.1f, c.lrDecay());
    assertEquals(1f, c.clipNorm());
    assertEquals(0.5f, c.futureWeight());
    assertEquals(22, c.classNames().size());
    assertEquals("Ambiguous", c.classNames().get(21));
    assertEquals(ClassLayout.thumos14(), c.layout());
  }

  @Test
  void shouldDecayTheLearningRateStepwise() {
    StepSchedule s = new StepSchedule(1e-4f, 0.1f, 1);
    assertEquals(1e-4f, s.rateAt(0), 1e-12);
    assertEquals(1e-5f, s.rateAt(1), 1e-12);
    StepSchedule every2 = new StepSchedule(1f, 0.5f, 2);
    assertEquals(1f, every2.rateAt(1));
    assertEquals(0.5f, every2.rateAt(2));
  }

  @Test
  void shouldRejectInvalidValuesWithTheirName() {
    TrainConfig base = TrainConfig.synthetic(SyntheticSequences.Spec.ci());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> base.toBuilder().optBatchSize(0).build());
    assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> base.toBuilder().optLrDecay(1.5f).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainConfig.builder(base.model(), base.classNames(), ClassLayout.thumos14()).build());
  }
}
