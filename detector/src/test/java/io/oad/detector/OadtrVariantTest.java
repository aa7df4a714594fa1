package io.oad.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.detector.archive.ModelArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single-output variant is an option of the config that archives record. */
class OadtrVariantTest {
  static final OadtrConfig TINY = OadtrConfig.tiny();
  static final OadtrConfig SINGLE = TINY.withVariant(OadtrVariant.SINGLE_OUTPUT);

  @TempDir Path dir;

  @Test
  void shouldDefaultToTheFullModelAndParseLabels() {
    assertEquals(OadtrVariant.FULL, TINY.variant());
    assertEquals(OadtrVariant.FULL, OadtrConfig.thumos().variant());
    assertEquals(OadtrVariant.SINGLE_OUTPUT, OadtrVariant.parse("single-output"));
    assertEquals(OadtrVariant.FULL, OadtrVariant.parse("FULL"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OadtrVariant.parse("fast"));
    assertTrue(e.getMessage().contains("single-output"), e.getMessage());
    assertFalse(SINGLE.equals(TINY));
    assertEquals(TINY, SINGLE.withVariant(OadtrVariant.FULL));
  }

  @Test
  void shouldComputeAnotherFunctionThanTheFullModelWithTheSameWeights() {
    float[][][] w = CachedProjectionTest.gaussian(2, TINY.window(), TINY.featureDim(), 3L, 1f);
    List<String> names = CachedProjectionTest.names(TINY.numClasses());
    try (Detector full = Detector.create(TINY, names, 9);
        Detector single = Detector.create(SINGLE, names, 9)) {
      double diff = CachedProjectionTest.maxDiff(full.logits(w), single.logits(w));
      assertTrue(diff > 1e-3, "variants should differ, max logit difference " + diff);
    }
  }

  @Test
  void shouldSaveAndLoadTheVariant() throws Exception {
    float[][][] w = CachedProjectionTest.gaussian(2, TINY.window(), TINY.featureDim(), 4L, 1f);
    List<String> names = CachedProjectionTest.names(TINY.numClasses());
    Path archive = dir.resolve("single");
    Detector.Output before;
    try (Detector d = Detector.create(SINGLE, names, 10)) {
      before = d.logits(w);
      d.save(archive);
    }
    String json = Files.readString(archive.resolve(ModelArchive.MANIFEST_FILE));
    assertTrue(json.contains("\"variant\" : \"SINGLE_OUTPUT\""), json);
    try (Detector d = Detector.load(archive)) {
      assertEquals(SINGLE, d.config());
      assertEquals(0, CachedProjectionTest.maxDiff(before, d.logits(w)), 0.0);
    }
  }

  @Test
  void shouldWriteFullManifestsAsBeforeAndReadThemAsFull() throws Exception {
    Path archive = dir.resolve("full");
    try (Detector d = Detector.create(TINY, CachedProjectionTest.names(5), 10)) {
      d.save(archive);
    }
    String json = Files.readString(archive.resolve(ModelArchive.MANIFEST_FILE));
    assertFalse(json.contains("variant"), json);
    assertEquals(TINY, ModelArchive.readManifest(archive).config());
  }

  @Test
  void shouldDeriveTheSameRandomModelIdInEveryRun() {
    // model ids of untrained models hash the config; the variant enters through its label
    assertEquals(TINY.hashCode(), TINY.withVariant(OadtrVariant.FULL).hashCode());
    assertFalse(TINY.hashCode() == SINGLE.hashCode());
    int expected = 31 * TINY.hashCode() + "single-output".hashCode();
    assertEquals(expected, SINGLE.hashCode());
  }

  @Test
  void shouldRefuseToExportTheVariantAsAnOfficialConfig() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> io.oad.detector.weights.OfficialConfig.toJson(SINGLE));
    assertTrue(e.getMessage().contains("single-output"), e.getMessage());
  }
}
