package io.oad.training.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.extractor.FrameInput;
import io.oad.extractor.FrameTensors;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.extractor.TwoStreamConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneTrainerTest {
  private static final TwoStreamConfig SMALL =
      new TwoStreamConfig(32, 24, List.of(8, 16), 32, MovingSquares.CLASSES);

  private static List<BackboneTrainer.Sample> samples(int n, long seed) {
    Random random = new Random(seed);
    FrameTensors tensors = new FrameTensors(SMALL.width(), SMALL.height());
    List<BackboneTrainer.Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = i % MovingSquares.CLASSES;
      out.add(new BackboneTrainer.Sample(tensors.of(MovingSquares.frame(label, random)), label));
    }
    return out;
  }

  @TempDir Path dir;

  @Test
  void shouldLearnMovingSquaresIncludingTheirDirection() {
    BackboneTrainer.Options options =
        new BackboneTrainer.Options(SMALL, 8, 16, 3e-3f, 1e-4f, 2, 0.1f, 5);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    long start = System.nanoTime();

    BackboneTrainer.Result result =
        BackboneTrainer.train(
            options,
            samples(240, 1),
            samples(90, 2),
            new PrintStream(log, true, StandardCharsets.UTF_8));

    try (TwoStreamBackbone backbone = result.backbone()) {
      double seconds = (System.nanoTime() - start) / 1e9;
      List<BackboneTrainer.EpochStats> epochs = result.epochs();
      assertEquals(8, epochs.size());
      BackboneTrainer.EpochStats last = epochs.get(epochs.size() - 1);
      assertTrue(last.valAccuracy() > 0.9, "validation accuracy " + last.valAccuracy());
      assertTrue(last.valBalancedAccuracy() > 0.9, "balanced " + last.valBalancedAccuracy());
      assertTrue(
          last.trainLoss() < epochs.get(0).trainLoss(),
          "loss went from " + epochs.get(0).trainLoss() + " to " + last.trainLoss());
      assertTrue(seconds < 30, "took " + seconds + " s");
      assertTrue(
          log.toString(StandardCharsets.UTF_8).contains("backbone epoch 8/8"), log.toString());
      assertEquals(SMALL.dimension(), backbone.dimension());
      assertTrue(backbone.id().startsWith("twostream-v1-"), backbone.id());
      assertSavedAndLoadedIdentically(backbone);
    }
  }

  /** A trained network (BatchNorm statistics, optimiser-touched arrays) survives its folder. */
  private void assertSavedAndLoadedIdentically(TwoStreamBackbone trained) {
    List<FrameInput> frames = new ArrayList<>();
    Random random = new Random(9);
    for (int i = 0; i < 6; i++) {
      frames.add(MovingSquares.frame(i % MovingSquares.CLASSES, random));
    }
    float[][] before = trained.embedFrames(frames);
    trained.save(dir.resolve("a"));
    try (TwoStreamBackbone loaded = TwoStreamBackbone.load(dir.resolve("a"))) {
      assertEquals(trained.id(), loaded.id());
      float[][] after = loaded.embedFrames(frames);
      for (int i = 0; i < before.length; i++) {
        assertArrayEquals(before[i], after[i]);
      }
      loaded.save(dir.resolve("b"));
    }
    try (TwoStreamBackbone again = TwoStreamBackbone.load(dir.resolve("b"))) {
      assertEquals(trained.id(), again.id());
    }
  }

  @Test
  void shouldRefuseLabelsBeyondTheClassesAndTooFewSamples() {
    BackboneTrainer.Options options = BackboneTrainer.Options.defaults(SMALL, 1).withEpochs(1);
    List<BackboneTrainer.Sample> bad = new ArrayList<>(samples(40, 1));
    bad.add(new BackboneTrainer.Sample(bad.get(0).tensor(), MovingSquares.CLASSES));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    assertThrows(
        IllegalArgumentException.class,
        () -> BackboneTrainer.train(options, bad, List.of(), quiet));
    assertThrows(
        IllegalArgumentException.class,
        () -> BackboneTrainer.train(options, samples(3, 1), List.of(), quiet));
  }

  @Test
  void fineTuningStartsFromTheGivenWeightsAndANewHeadForOtherClasses() {
    TwoStreamConfig more =
        new TwoStreamConfig(
            SMALL.width(),
            SMALL.height(),
            SMALL.channels(),
            SMALL.dimension(),
            SMALL.classes() + 2);
    BackboneTrainer.Options options =
        new BackboneTrainer.Options(more, 1, 16, 1e-8f, 0f, 0, 0f, 77);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    List<FrameInput> frames = new ArrayList<>();
    Random random = new Random(4);
    for (int i = 0; i < 8; i++) {
      frames.add(MovingSquares.frame(i % MovingSquares.CLASSES, random));
    }
    try (TwoStreamBackbone start = TwoStreamBackbone.untrained(SMALL, 3);
        TwoStreamBackbone other = TwoStreamBackbone.untrained(SMALL, 4);
        TwoStreamBackbone tuned =
            BackboneTrainer.train(options, start, false, samples(64, 1), List.of(), quiet)
                .backbone()) {
      float[][] s = start.embedFrames(frames);
      float[][] o = other.embedFrames(frames);
      float[][] t = tuned.embedFrames(frames);
      double toStart = distance(t, s);
      double toOther = distance(t, o);
      // BatchNorm running statistics move in one epoch, the weights do not
      assertTrue(toStart < 0.4 * toOther, "to start " + toStart + ", to another " + toOther);
      assertEquals(SMALL.classes() + 2, tuned.config().classes());
    }
  }

  @Test
  void keepBestReturnsTheEpochOfBestBalancedValidationAccuracy() {
    BackboneTrainer.Options options =
        new BackboneTrainer.Options(SMALL, 4, 16, 3e-3f, 1e-4f, 2, 0.1f, 5);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    BackboneTrainer.Result result =
        BackboneTrainer.train(options, null, true, samples(96, 1), samples(30, 2), quiet);
    try (TwoStreamBackbone ignored = result.backbone()) {
      int best = 1;
      for (BackboneTrainer.EpochStats e : result.epochs()) {
        if (e.valBalancedAccuracy() > result.epochs().get(best - 1).valBalancedAccuracy()) {
          best = e.epoch();
        }
      }
      assertEquals(best, result.keptEpoch());
    }
    BackboneTrainer.Result last =
        BackboneTrainer.train(options.withEpochs(2), samples(32, 1), samples(30, 2), quiet);
    try (TwoStreamBackbone ignored = last.backbone()) {
      assertEquals(2, last.keptEpoch());
    }
  }

  private static double distance(float[][] a, float[][] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        sum += Math.abs(a[i][j] - b[i][j]);
      }
    }
    return sum;
  }
}
