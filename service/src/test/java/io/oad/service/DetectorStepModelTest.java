package io.oad.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.detector.Detector;
import io.oad.detector.OadtrConfig;
import io.oad.detector.Windows;
import io.oad.topology.StepModel;
import io.oad.topology.SwappableStepModel;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A real OadTR detector bound to the topology's model port, and swapped while it serves. */
class DetectorStepModelTest {
  private static final OadtrConfig TINY = OadtrConfig.tiny();
  private static final List<String> CLASSES =
      IntStream.range(0, TINY.numClasses()).mapToObj(i -> "c" + i).toList();

  @Test
  void shouldCompleteAShortWindowByTheModelsColdStartRule() {
    float[][] full = randomWindow(TINY.window(), TINY.featureDim(), 9);
    float[][] shortWindow = Arrays.copyOfRange(full, TINY.window() - 2, TINY.window());
    try (Detector detector = Detector.create(TINY, CLASSES, 4)) {
      DetectorStepModel port = new DetectorStepModel(detector);
      StepModel.Output got = port.predict(new float[][][] {shortWindow, full});
      float[][] padded = Windows.leftPad(List.of(shortWindow), TINY.window());
      Detector.Output want = detector.predict(new float[][][] {padded, full});
      assertArrayEquals(want.current()[0], got.current()[0], 1e-6f);
      assertArrayEquals(want.current()[1], got.current()[1], 1e-6f);
      assertArrayEquals(want.future()[0][0], got.future()[0][0], 1e-6f);
    }
  }

  @Test
  void shouldScoreWithTheNewDetectorAfterASwapAndNameIt() {
    float[][][] windows = {randomWindow(TINY.window(), TINY.featureDim(), 5)};
    try (Detector ref1 = Detector.create(TINY, CLASSES, 1);
        Detector ref2 = Detector.create(TINY, CLASSES, 2)) {
      Detector first = Detector.create(TINY, CLASSES, 1);
      Detector second = Detector.create(TINY, CLASSES, 2);
      SwappableStepModel model = DetectorStepModel.serve(first);

      StepModel.Scored before = model.score(windows);
      assertEquals(first.modelId(), before.modelId());
      assertArrayEquals(ref1.predict(windows).current()[0], before.output().current()[0]);

      assertEquals(first.modelId(), DetectorStepModel.swap(model, second));

      StepModel.Scored after = model.score(windows);
      assertEquals(second.modelId(), after.modelId());
      assertEquals(second.modelId(), model.modelId());
      assertArrayEquals(ref2.predict(windows).current()[0], after.output().current()[0]);
      assertThrows(IllegalStateException.class, () -> first.predict(windows), "old one closed");
      model.shutdown();
      assertThrows(IllegalStateException.class, () -> second.predict(windows));
    }
  }

  @Test
  void shouldRefuseAModelOfAnotherWindowAndKeepServingTheOldOne() {
    Detector serving = Detector.create(TINY, CLASSES, 1);
    SwappableStepModel model = DetectorStepModel.serve(serving);
    OadtrConfig longer =
        new OadtrConfig(
            TINY.featureDim(),
            TINY.window() + 1,
            TINY.dModel(),
            TINY.encoderLayers(),
            TINY.encoderHeads(),
            TINY.encoderFfn(),
            TINY.decoderLayers(),
            TINY.decoderHeads(),
            TINY.decoderFfn(),
            TINY.futureSteps(),
            TINY.numClasses(),
            TINY.dropout());
    Detector other = Detector.create(longer, CLASSES, 3);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DetectorStepModel.swap(model, other));

    assertTrue(e.getMessage().contains(other.modelId()), e.getMessage());
    assertTrue(e.getMessage().contains("restart"), e.getMessage());
    assertEquals(serving.modelId(), model.modelId());
    float[][][] windows = {new float[TINY.window()][TINY.featureDim()]};
    assertEquals(serving.modelId(), model.score(windows).modelId(), "old keeps serving");
    float[][][] longerWindows = {new float[longer.window()][longer.featureDim()]};
    assertThrows(
        IllegalStateException.class, () -> other.predict(longerWindows), "refused is closed");
    model.shutdown();
  }

  private static float[][] randomWindow(int t, int d, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[][] w = new float[t][d];
    for (float[] step : w) {
      for (int i = 0; i < d; i++) {
        step[i] = (float) r.nextGaussian();
      }
    }
    return w;
  }
}
