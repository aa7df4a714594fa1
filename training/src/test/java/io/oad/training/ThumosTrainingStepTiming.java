package io.oad.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.LabeledSequence;
import io.oad.detector.OadtrConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures training throughput at the paper's THUMOS configuration on random features (not for CI:
 * needs ~3 GB and a minute): {@code mvn -o -pl detector surefire:test
 * -Dtest=ThumosTrainingStepTiming -Doad.longTraining=true}.
 */
@EnabledIfSystemProperty(named = "oad.longTraining", matches = "true")
class ThumosTrainingStepTiming {

  @Test
  void shouldTrainAFewBatchesAtThePaperConfiguration() throws Exception {
    OadtrConfig model = OadtrConfig.thumos();
    Random r = new Random(1);
    int steps = 48;
    float[][] f = new float[steps][model.featureDim()];
    int[] labels = new int[steps];
    for (int t = 0; t < steps; t++) {
      for (int j = 0; j < f[t].length; j++) {
        f[t][j] = (float) r.nextGaussian();
      }
      labels[t] = r.nextInt(model.numClasses());
    }
    TrainConfig config =
        TrainConfig.paperThumos().toBuilder().optEpochs(1).optBatchSize(8).optLogEvery(1).build();
    Path out = Files.createTempDirectory("oad-thumos-timing");
    try {
      TrainResult result =
          Trainer.train(config, List.of(new LabeledSequence("random", f, labels)), List.of(), out);
      System.err.printf(
          "THUMOS config training: %.1f windows/s (batch 8)%n",
          result.epochs().get(0).windowsPerSecond());
      assertTrue(Double.isFinite(result.epochs().get(0).loss()));
    } finally {
      try (Stream<Path> files = Files.walk(out)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
