package io.oad.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.LabeledSequence;
import io.oad.datasets.SyntheticSequences;
import io.oad.detector.Detector;
import io.oad.detector.OadtrVariant;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single-output variant trains with the same loop and its archive keeps the variant. */
class SingleOutputTrainingTest {
  private static final SyntheticSequences.Spec SPEC = SyntheticSequences.Spec.ci();

  @Test
  void shouldTrainAndSaveTheVariant(@TempDir Path out) throws Exception {
    TrainConfig base = TrainConfig.synthetic(SPEC);
    TrainConfig config =
        base.toBuilder()
            .setModel(base.model().withVariant(OadtrVariant.SINGLE_OUTPUT))
            .optEpochs(1)
            .build();
    Path initial = out.resolve("initial");
    try (Detector d = Detector.create(config.model(), config.classNames(), config.seed())) {
      d.save(initial);
    }
    List<LabeledSequence> train = SyntheticSequences.generate(SPEC, 2, 5L);
    TrainResult result = Trainer.train(config, train, List.of(), out.resolve("run"));

    assertTrue(result.optimizerSteps() >= 2, "steps " + result.optimizerSteps());
    assertTrue(Double.isFinite(result.losses().get(0)), "loss " + result.losses());
    try (Detector d = Detector.load(result.archive())) {
      assertEquals(OadtrVariant.SINGLE_OUTPUT, d.config().variant());
      assertEquals(config.model(), d.config());
    }
    // every parameter the official model trains is used (and so trained) by the variant too
    java.util.Map<String, float[]> before = weights(initial);
    java.util.Map<String, float[]> after = weights(result.archive());
    for (String name : before.keySet()) {
      boolean changed = !java.util.Arrays.equals(before.get(name), after.get(name));
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
}
