package io.oad.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.LabeledSequence;
import io.oad.datasets.SyntheticSequences;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The longer synthetic training (minutes, not for CI): run with {@code mvn -o -pl detector
 * surefire:test -Dtest=LongSyntheticTraining -Doad.longTraining=true}; optional {@code
 * -Doad.train.sequences=200 -Doad.train.epochs=6 -Doad.train.lr=0.001}.
 */
@EnabledIfSystemProperty(named = "oad.longTraining", matches = "true")
class LongSyntheticTraining {

  @Test
  void shouldTrainOnABiggerSyntheticSet() throws Exception {
    int sequences = Integer.getInteger("oad.train.sequences", 200);
    int epochs = Integer.getInteger("oad.train.epochs", 6);
    float lr = Float.parseFloat(System.getProperty("oad.train.lr", "0.001"));
    float decay = Float.parseFloat(System.getProperty("oad.train.decay", "0.7"));
    SyntheticSequences.Spec spec = SyntheticSequences.Spec.ci();
    List<LabeledSequence> train = SyntheticSequences.generate(spec, sequences, 11L, "train");
    List<LabeledSequence> val = SyntheticSequences.generate(spec, 40, 12L, "val");
    TrainConfig config =
        TrainConfig.synthetic(spec).toBuilder()
            .optEpochs(epochs)
            .optLearningRate(lr)
            .optLrDecay(decay)
            .optLogEvery(200)
            .build();
    Path out = Files.createTempDirectory("oad-long-training");
    long start = System.nanoTime();
    TrainResult result = Trainer.train(config, train, val, out);
    System.err.printf(
        Locale.ROOT,
        "%d sequences, %.0f s in total%n",
        sequences,
        (System.nanoTime() - start) / 1e9);
    for (EpochStats e : result.epochs()) {
      System.err.printf(
          Locale.ROOT,
          "epoch %d: loss %.4f  val mAP %.4f  t+1 %.4f  t+%d %.4f  lr %.1e  %.0f windows/s%n",
          e.epoch(),
          e.loss(),
          e.valMAP(),
          e.valFutureMAP().get(0),
          e.valFutureMAP().size(),
          e.valFutureMAP().get(e.valFutureMAP().size() - 1),
          e.learningRate(),
          e.windowsPerSecond());
    }
    System.err.printf(
        Locale.ROOT, "chance mAP %.4f%n", TrainerTest.chanceMAP(config.layout(), val));
    assertTrue(result.finalMAP() > 0);
  }
}
