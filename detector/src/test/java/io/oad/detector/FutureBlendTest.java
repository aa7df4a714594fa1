package io.oad.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.detector.archive.ModelArchive;
import io.oad.detector.archive.ModelManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FutureBlendTest {
  private static final OadtrConfig TINY = DetectorTest.TINY;
  private static final List<String> CLASSES = DetectorTest.CLASSES;

  @TempDir Path dir;

  @Test
  void shouldLeaveTheOutputUnchangedAtZeroAndHoldTheCurrentRowAtOne() {
    float[][][] in = DetectorTest.windows(3, 11);
    try (Detector d = Detector.create(TINY, CLASSES, 7)) {
      assertTrue(d.futureBlend().isNone());
      Detector.Output raw = d.predict(in);

      d.setFutureBlend(FutureBlend.of(List.of(0.0, 0.0, 0.0)));
      Detector.Output zero = d.predict(in);
      assertArrayEquals(raw.current(), zero.current());
      for (int b = 0; b < in.length; b++) {
        assertArrayEquals(raw.future()[b], zero.future()[b], "a = 0 is the raw output");
      }

      d.setFutureBlend(FutureBlend.of(List.of(1.0, 1.0, 1.0)));
      Detector.Output one = d.predict(in);
      for (int b = 0; b < in.length; b++) {
        for (int k = 0; k < TINY.futureSteps(); k++) {
          assertArrayEquals(raw.current()[b], one.future()[b][k], "a = 1 is persistence");
        }
      }

      d.setFutureBlend(FutureBlend.of(List.of(0.25, 0.5, 1.0)));
      Detector.Output mixed = d.predict(in);
      for (int c = 0; c < CLASSES.size(); c++) {
        float want = 0.25f * raw.current()[1][c] + 0.75f * raw.future()[1][0][c];
        assertEquals(want, mixed.future()[1][0][c], 1e-7f);
      }
      // the streaming path serves the same blended rows
      StreamingDetector streaming = new StreamingDetector(d);
      StreamingDetector.Stream stream = streaming.newStream();
      Detector.Output last = null;
      for (float[] step : in[2]) {
        last = streaming.step(stream, step);
      }
      for (int k = 0; k < TINY.futureSteps(); k++) {
        assertArrayEquals(mixed.future()[2][k], last.future()[0][k], 1e-5f);
      }
      // logits are never blended
      assertFalse(java.util.Arrays.equals(d.logits(in).future()[0][2], d.logits(in).current()[0]));
    }
  }

  @Test
  void shouldBlendDoubleRowsWithTheSameFormula() {
    FutureBlend blend = FutureBlend.of(List.of(0.0, 0.5, 1.0));
    double[] current = {0.2, 0.8};
    double[][] future = {{0.6, 0.4}, {0.6, 0.4}, {0.6, 0.4}};
    double[][] out = blend.apply(current, future);
    assertArrayEquals(future[0], out[0]);
    assertArrayEquals(new double[] {0.4, 0.6}, out[1], 1e-12);
    assertArrayEquals(current, out[2]);
    assertTrue(FutureBlend.none().apply(current, future) == future);
  }

  @Test
  void shouldRefuseWeightsOutsideTheUnitIntervalOrOfTheWrongLength() {
    assertThrows(IllegalArgumentException.class, () -> FutureBlend.of(List.of(0.5, 1.5)));
    assertThrows(IllegalArgumentException.class, () -> FutureBlend.of(List.of(-0.1)));
    assertThrows(IllegalArgumentException.class, () -> FutureBlend.of(List.of(Double.NaN)));
    try (Detector d = Detector.create(TINY, CLASSES, 7)) {
      assertThrows(
          IllegalArgumentException.class, () -> d.setFutureBlend(FutureBlend.of(List.of(0.5))));
    }
  }

  @Test
  void shouldRoundTripTheBlendThroughModelJsonAndLeaveItOutWhenAbsent() throws Exception {
    float[][][] in = DetectorTest.windows(2, 3);
    Path plain = dir.resolve("plain");
    Path blended = dir.resolve("blended");
    try (Detector d = Detector.create(TINY, CLASSES, 5)) {
      d.save(plain);
      d.setFutureBlend(FutureBlend.of(List.of(0.05, 0.5, 0.95)));
      d.save(blended);
    }
    String plainJson = Files.readString(plain.resolve(ModelArchive.MANIFEST_FILE));
    assertFalse(plainJson.contains("futureBlend"), plainJson);
    assertTrue(ModelArchive.readManifest(plain).blend().isNone());
    assertEquals(null, ModelArchive.readManifest(plain).futureBlend());

    String blendedJson = Files.readString(blended.resolve(ModelArchive.MANIFEST_FILE));
    assertTrue(blendedJson.contains("futureBlend"), blendedJson);
    ModelManifest m = ModelArchive.readManifest(blended);
    assertEquals(List.of(0.05, 0.5, 0.95), m.futureBlend());
    try (Detector a = Detector.load(plain);
        Detector b = Detector.load(blended)) {
      assertTrue(a.futureBlend().isNone());
      assertEquals(FutureBlend.of(List.of(0.05, 0.5, 0.95)), b.futureBlend());
      Detector.Output raw = a.predict(in);
      Detector.Output mix = b.predict(in);
      assertArrayEquals(raw.current(), mix.current());
      for (int c = 0; c < CLASSES.size(); c++) {
        float want = 0.95f * raw.current()[0][c] + (1 - 0.95f) * raw.future()[0][2][c];
        assertEquals(want, mix.future()[0][2][c], 1e-6f);
      }
    }

    // removing the blend writes no field again
    ModelArchive.writeManifest(blended, m.withBlend(FutureBlend.none()));
    assertFalse(
        Files.readString(blended.resolve(ModelArchive.MANIFEST_FILE)).contains("futureBlend"));
    // a blend of the wrong length is refused with the file's model in the message
    Files.writeString(
        blended.resolve(ModelArchive.MANIFEST_FILE),
        blendedJson.replace("\"futureBlend\" : [ 0.05, 0.5, 0.95 ]", "\"futureBlend\" : [ 0.5 ]"));
    Exception e = assertThrows(Exception.class, () -> ModelArchive.readManifest(blended));
    assertTrue(String.valueOf(e.getMessage()).contains("futureBlend"), e.getMessage());
  }
}
