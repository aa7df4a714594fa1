package io.oad.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.datasets.SyntheticSequences;
import io.oad.detector.Detector;
import io.oad.training.eval.EvalResult;
import io.oad.training.eval.FrameMetrics;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CI-sized training on synthetic sequences: learns, writes loadable archives, resumes. */
class TrainerTest {
  private static final SyntheticSequences.Spec SPEC = SyntheticSequences.Spec.ci();

  @Test
  void shouldLearnTemporalPatternsWellAboveChance(@TempDir Path out) {
    List<LabeledSequence> train = SyntheticSequences.generate(SPEC, 30, 1L, "train");
    List<LabeledSequence> test = SyntheticSequences.generate(SPEC, 12, 2L, "test");
    TrainConfig config =
        TrainConfig.synthetic(SPEC).toBuilder().optEpochs(3).optLogEvery(50).build();

    long start = System.nanoTime();
    TrainResult result = Trainer.train(config, train, test, out);
    System.err.printf("trained in %.1f s: %s%n", (System.nanoTime() - start) / 1e9, result);

    ClassLayout layout = config.layout();
    double chance = chanceMAP(layout, test);
    try (Detector detector = Detector.load(result.archive())) {
      EvalResult eval = FrameMetrics.evaluate(layout, Evaluator.score(detector, test));
      assertEquals(result.finalMAP(), eval.mAP(), 1e-9, "validation mAP = mAP of the archive");
      assertTrue(
          eval.mAP() > 2 * chance, "mAP " + eval.mAP() + " should exceed 2 x chance " + chance);
    }
    assertEquals(config.epochs(), result.epochs().size());
    assertTrue(
        result.losses().get(result.losses().size() - 1) < result.losses().get(0),
        "loss should fall: " + result.losses());
  }

  @Test
  void shouldResumeFromTheLastCheckpointAndContinueTheEpochs(@TempDir Path out) {
    List<LabeledSequence> train = SyntheticSequences.generate(SPEC, 6, 3L, "train");
    List<LabeledSequence> val = SyntheticSequences.generate(SPEC, 2, 4L, "val");
    TrainConfig oneEpoch = TrainConfig.synthetic(SPEC).toBuilder().optEpochs(1).build();

    TrainResult first = Trainer.train(oneEpoch, train, val, out);
    assertEquals(1, first.epochs().size());
    long stepsPerEpoch = first.optimizerSteps();

    TrainConfig twoEpochs = oneEpoch.toBuilder().optEpochs(2).optResume(true).build();
    TrainResult second = Trainer.train(twoEpochs, train, val, out);

    assertEquals(1, second.resumedFromEpoch());
    assertEquals(List.of(1, 2), second.epochs().stream().map(EpochStats::epoch).toList());
    assertEquals(first.epochs().get(0), second.epochs().get(0), "history is kept");
    assertEquals(2 * stepsPerEpoch, second.optimizerSteps());
    assertEquals(out.resolve("epoch-02"), second.archive());
    assertEquals(
        twoEpochs.learningRate() * twoEpochs.lrDecay(),
        second.epochs().get(1).learningRate(),
        1e-9,
        "schedule continues");
    assertEquals(2, TrainerState.read(out).orElseThrow().epochsDone());
    try (Detector d = Detector.load(second.archive())) {
      assertEquals("oadtr-synthetic-e2", d.modelId());
    }
  }

  @Test
  void shouldRefuseToResumeADifferentModel(@TempDir Path out) {
    List<LabeledSequence> train = SyntheticSequences.generate(SPEC, 2, 3L, "train");
    TrainConfig config = TrainConfig.synthetic(SPEC).toBuilder().optEpochs(1).build();
    Trainer.train(config, train, List.of(), out);
    io.oad.detector.OadtrConfig m = config.model();
    io.oad.detector.OadtrConfig wider =
        new io.oad.detector.OadtrConfig(
            m.featureDim(),
            m.window(),
            64,
            m.encoderLayers(),
            m.encoderHeads(),
            m.encoderFfn(),
            m.decoderLayers(),
            m.decoderHeads(),
            m.decoderFfn(),
            m.futureSteps(),
            m.numClasses(),
            m.dropout());
    TrainConfig other = config.toBuilder().setModel(wider).optEpochs(2).optResume(true).build();
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> Trainer.train(other, train, List.of(), out));
    assertTrue(e.getMessage().contains("cannot resume"), e.getMessage());
  }

  @Test
  void shouldUpdateEveryParameterTheForwardPassUses(@TempDir Path out) throws Exception {
    TrainConfig config = TrainConfig.synthetic(SPEC).toBuilder().optEpochs(1).build();
    Path initial = out.resolve("initial");
    try (Detector d = Detector.create(config.model(), config.classNames(), config.seed())) {
      d.save(initial);
    }
    TrainResult result =
        Trainer.train(config, SyntheticSequences.generate(SPEC, 2, 5L), List.of(), out);

    java.util.Map<String, float[]> before = weights(initial);
    java.util.Map<String, float[]> after = weights(result.archive());
    assertEquals(before.keySet(), after.keySet());
    for (String name : before.keySet()) {
      boolean changed = !java.util.Arrays.equals(before.get(name), after.get(name));
      // unused by the official forward pass (and by torch.optim, which skips grad None)
      boolean unused = name.equals("decoder_position_encoding.pe.weight") || name.endsWith("_ids");
      assertEquals(!unused, changed, name + (changed ? " changed" : " did not change"));
    }
  }

  private static java.util.Map<String, float[]> weights(Path archive) throws Exception {
    java.util.Map<String, float[]> out = new java.util.TreeMap<>();
    try (ai.djl.ndarray.NDManager m = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager();
        java.io.InputStream in =
            java.nio.file.Files.newInputStream(archive.resolve("weights.npz"))) {
      for (ai.djl.ndarray.NDArray a : ai.djl.ndarray.NDList.decode(m, in)) {
        out.put(a.getName(), a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
      }
    }
    return out;
  }

  /** Expected AP of random scores = each action's share of the evaluated frames. */
  static double chanceMAP(ClassLayout layout, List<LabeledSequence> videos) {
    int[] counts = new int[layout.numClasses()];
    int total = 0;
    for (LabeledSequence v : videos) {
      for (int label : v.labels()) {
        counts[label]++;
        total++;
      }
    }
    double sum = 0;
    for (int c : layout.actionClasses()) {
      sum += counts[c] / (double) total;
    }
    return sum / layout.actionClasses().length;
  }
}
