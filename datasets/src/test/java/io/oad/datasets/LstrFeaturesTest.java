package io.oad.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LSTR data root: feature folders concatenated per step, target_perframe, data_info.json. */
class LstrFeaturesTest {
  @TempDir Path root;

  private static final List<String> FOLDERS = List.of("rgb", "flow");

  /** Video of {@code steps} steps: rgb (steps × 3) float32, flow (steps × 2) float64. */
  private void video(String id, int rgbSteps, int flowSteps, int targetSteps, int classes) {
    double[] rgb = new double[rgbSteps * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = id.hashCode() % 7 + i * 0.25;
    }
    double[] flow = new double[flowSteps * 2];
    for (int i = 0; i < flow.length; i++) {
      flow[i] = -i - 0.5;
    }
    double[] target = new double[targetSteps * classes];
    for (int t = 0; t < targetSteps; t++) {
      target[t * classes + (t % classes)] = 1;
    }
    Npy.write(
        root.resolve("rgb").resolve(id + ".npy"),
        new NpyArray(Npy.FLOAT32, new int[] {rgbSteps, 3}, rgb));
    Npy.write(
        root.resolve("flow").resolve(id + ".npy"),
        new NpyArray(Npy.FLOAT64, new int[] {flowSteps, 2}, flow));
    Npy.write(
        root.resolve("target_perframe").resolve(id + ".npy"),
        new NpyArray(Npy.FLOAT32, new int[] {targetSteps, classes}, target));
  }

  private Path dataInfo() throws IOException {
    Path f = root.resolve("data_info.json");
    Files.writeString(
        f,
        """
        {"THUMOS": {"class_names": ["Background", "Jump", "Run", "Ambiguous"],
                    "train_session_set": ["v1", "v2"], "test_session_set": ["v3"]},
         "TVSeries": {"class_names": ["Background", "Other"],
                      "train_session_set": [], "test_session_set": []}}
        """);
    return f;
  }

  @Test
  void shouldConcatenateFoldersPerStepAndTakeClassesFromDataInfo() throws IOException {
    video("v1", 5, 5, 5, 4);
    video("v2", 6, 6, 6, 4);
    LstrDataInfo info = LstrDataInfo.read(dataInfo(), "THUMOS");
    assertEquals(List.of("Background", "Jump", "Run", "Ambiguous"), info.classNames());
    assertEquals(OptionalInt.of(3), info.ambiguous());
    assertEquals(ClassLayout.withAmbiguous(4, 0, 3), info.layout());
    assertEquals(List.of("v3"), info.testSessions());

    LstrFeatures reader = new LstrFeatures(root, FOLDERS, "target_perframe", 4);
    List<LabeledSequence> seqs = reader.read(info.trainSessions());

    assertEquals(2, seqs.size());
    LabeledSequence v2 = seqs.get(1);
    assertEquals(6, v2.length());
    float base = "v2".hashCode() % 7;
    assertArrayEquals(
        new float[] {base + 0.75f, base + 1f, base + 1.25f, -2.5f, -3.5f}, v2.features()[1]);
    assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1}, v2.labels());
    assertTrue(reader.notes().isEmpty(), reader.notes().toString());
  }

  @Test
  void shouldCutAVideoToItsShortestFolderWithinTheTolerance() throws IOException {
    video("v1", 10, 8, 10, 4); // flow 2 rows short, targets follow rgb
    LstrFeatures reader = new LstrFeatures(root, FOLDERS, "target_perframe", 4);
    LabeledSequence v1 = reader.readVideo("v1");
    assertEquals(8, v1.length());
    assertEquals(5, v1.dim());
    assertEquals(1, reader.notes().size());
    assertTrue(reader.notes().get(0).contains("cut to 8"), reader.notes().toString());
  }

  @Test
  void shouldRefuseEachBadInputNamingTheFile() throws IOException {
    Path info = dataInfo();
    video("ok", 5, 5, 5, 4);
    LstrFeatures reader = new LstrFeatures(root, FOLDERS, "target_perframe", 4);
    reader.readVideo("ok");

    // a video missing in one folder
    video("noflow", 5, 5, 5, 4);
    Files.delete(root.resolve("flow/noflow.npy"));
    assertMessage(
        () -> reader.readVideo("noflow"), "missing " + root.resolve("flow/noflow.npy"), "noflow");

    // folders more than ROW_TOLERANCE rows apart
    video("apart", 20, 16, 20, 4);
    assertMessage(
        () -> reader.readVideo("apart"),
        root.resolve("rgb/apart.npy") + " has 20 rows but " + root.resolve("flow/apart.npy"),
        "at most 3");

    // targets of another length
    video("short", 9, 9, 7, 4);
    assertMessage(
        () -> reader.readVideo("short"),
        root.resolve("target_perframe/short.npy") + " has 7 rows but",
        "has 9");

    // a folder whose width differs from the first video's
    video("wide", 5, 5, 5, 4);
    Npy.write(
        root.resolve("flow/wide.npy"), new NpyArray(Npy.FLOAT32, new int[] {5, 3}, new double[15]));
    assertMessage(
        () -> reader.readVideo("wide"),
        root.resolve("flow/wide.npy") + " has 3 columns but " + root.resolve("flow/ok.npy"),
        "has 2");

    // targets not as wide as the classes of data_info.json
    video("classes", 5, 5, 5, 3);
    assertMessage(
        () -> reader.readVideo("classes"),
        root.resolve("target_perframe/classes.npy") + " has 3 columns",
        "4 classes");

    // NaN
    video("nan", 5, 5, 5, 4);
    double[] v = new double[15];
    v[7] = Double.NaN;
    Npy.write(root.resolve("rgb/nan.npy"), new NpyArray(Npy.FLOAT32, new int[] {5, 3}, v));
    assertMessage(
        () -> reader.readVideo("nan"), root.resolve("rgb/nan.npy") + ": NaN at step 2, column 1");

    // unknown dataset key, listing the known ones
    assertMessage(
        () -> LstrDataInfo.read(info, "EK100"),
        info + " has no dataset 'EK100'",
        "THUMOS, TVSeries");
    // a missing folder
    assertMessage(
        () -> new LstrFeatures(root, List.of("rgb", "depth"), "target_perframe", 4),
        "no feature folder " + root.resolve("depth"));
    // a malformed entry
    Files.writeString(info, "{\"THUMOS\": {\"class_names\": [\"Background\", \"A\"]}}");
    assertMessage(
        () -> LstrDataInfo.read(info, "THUMOS"), info + ": THUMOS has no 'train_session_set'");
  }

  @Test
  void shouldMergeSessionSetsIntoAnLstrDataInfo() throws IOException {
    Path f = root.resolve("out/data_info.json");
    List<String> names = List.of("Background", "A", "Ambiguous");
    LstrDataInfo.merge(f, "THUMOS", names, List.of("a", "b"), List.of());
    LstrDataInfo.merge(f, "THUMOS", names, List.of("b"), List.of("c"));
    LstrDataInfo info = LstrDataInfo.read(f, "THUMOS");
    assertEquals(List.of("a", "b"), info.trainSessions());
    assertEquals(List.of("c"), info.testSessions());
    assertEquals(OptionalInt.of(2), info.ambiguous());
    assertMessage(
        () -> LstrDataInfo.merge(f, "THUMOS", List.of("Background", "B"), List.of(), List.of()),
        "already names other classes");
  }

  static void assertMessage(org.junit.jupiter.api.function.Executable e, String... parts) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    for (String p : parts) {
      assertTrue(ex.getMessage().contains(p), "'" + ex.getMessage() + "' lacks '" + p + "'");
    }
  }
}
