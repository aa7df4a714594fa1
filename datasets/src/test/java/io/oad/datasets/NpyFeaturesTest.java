package io.oad.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFeaturesTest {

  @Test
  void shouldReadFloat64FeaturesAndOneHotTargetsListedInASplitFile(@TempDir Path dir)
      throws IOException {
    Path rgb = dir.resolve("rgb");
    Path targets = dir.resolve("target_perframe");
    // video a: 3 steps × 2 features (float64), one-hot over 4 classes (float32)
    Npy.write(
        rgb.resolve("video_a.npy"),
        new NpyArray(Npy.FLOAT64, new int[] {3, 2}, new double[] {1, 2, 3, 4, 5, 6}));
    Npy.write(
        targets.resolve("video_a.npy"),
        new NpyArray(
            Npy.FLOAT32, new int[] {3, 4}, new double[] {1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0}));
    // video b: class-index targets
    Npy.write(rgb.resolve("video_b.npy"), NpyArray.ofFloats(new float[][] {{7, 8}}));
    Npy.write(targets.resolve("video_b.npy"), NpyArray.ofLongs(new int[] {3}));
    Path split = dir.resolve("test.txt");
    Files.writeString(split, "# THUMOS test\nvideo_a\n\nvideo_b\n");

    List<LabeledSequence> seqs = NpyFeatures.read(rgb, targets, split);

    assertEquals(2, seqs.size());
    LabeledSequence a = seqs.get(0);
    assertEquals("video_a", a.videoId());
    assertArrayEquals(new float[] {3, 4}, a.features()[1]);
    assertArrayEquals(new int[] {0, 2, 1}, a.labels(), "multi-hot row takes its lowest index");
    assertArrayEquals(new int[] {3}, seqs.get(1).labels());
  }

  @Test
  void shouldConcatenateFeatureFoldersInOrderAndRoundTripWrite(@TempDir Path dir) {
    LabeledSequence rgb =
        new LabeledSequence("v", new float[][] {{1, 2}, {3, 4}}, new int[] {0, 1});
    LabeledSequence flow = new LabeledSequence("v", new float[][] {{9}, {8}}, new int[] {0, 1});
    NpyFeatures.write(rgb, dir.resolve("rgb"), dir.resolve("t"));
    NpyFeatures.write(flow, dir.resolve("flow"), dir.resolve("t"));

    LabeledSequence one = NpyFeatures.readVideo(List.of(dir.resolve("rgb")), dir.resolve("t"), "v");
    assertEquals(rgb, one);
    LabeledSequence both =
        NpyFeatures.readVideo(
            List.of(dir.resolve("rgb"), dir.resolve("flow")), dir.resolve("t"), "v");
    assertArrayEquals(new float[] {3, 4, 8}, both.features()[1]);
  }

  @Test
  void shouldNameTheFileWhenLengthsDisagreeOrAFileIsMissing(@TempDir Path dir) {
    Npy.write(dir.resolve("f/v.npy"), NpyArray.ofFloats(new float[][] {{1}, {2}}));
    Npy.write(dir.resolve("t/v.npy"), NpyArray.ofLongs(new int[] {0, 0, 0}));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NpyFeatures.readVideo(List.of(dir.resolve("f")), dir.resolve("t"), "v"));
    assertTrue(e.getMessage().contains("v.npy has 2 steps but its targets have 3"), e.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> NpyFeatures.readVideo(List.of(dir.resolve("f")), dir.resolve("t"), "w"));
    assertTrue(missing.getMessage().contains("w.npy"), missing.getMessage());
  }

  @Test
  void shouldRefuseAnAllZeroOneHotRow(@TempDir Path dir) {
    Path t = dir.resolve("t.npy");
    Npy.write(t, new NpyArray(Npy.FLOAT32, new int[] {2, 2}, new double[] {0, 1, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> NpyFeatures.readTargets(t));
  }
}
