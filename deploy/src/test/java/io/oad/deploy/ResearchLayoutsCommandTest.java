package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.datasets.Npy;
import io.oad.datasets.NpyArray;
import io.oad.datasets.pickle.Python;
import io.oad.detector.Detector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layouts OAD research publishes, through the command line: an LSTR data root (two feature
 * folders, target_perframe, data_info.json) trained on and evaluated, and the official OadTR
 * pickles converted by {@code oad import-features} and then trained on.
 */
class ResearchLayoutsCommandTest {
  @TempDir Path tmp;

  private static final List<String> NAMES =
      List.of("Background", "Jump", "Run", "Wave", "Ambiguous");
  private static final String RGB = "rgb_kinetics_resnet50";
  private static final String FLOW = "flow_kinetics_bninception";

  /**
   * A video whose class shows in its rgb features (one-hot of the class plus noise, 6 wide) next to
   * 4 columns of flow noise; segments of 6 to 13 steps, with a few ambiguous steps.
   */
  private int video(Path root, String id, int steps, Random rnd) {
    double[] rgb = new double[steps * 6];
    double[] flow = new double[steps * 4];
    double[] target = new double[steps * NAMES.size()];
    int ambiguous = 0;
    int label = 0;
    for (int t = 0, left = 0; t < steps; t++, left--) {
      if (left == 0) {
        label = label == 0 ? 1 + rnd.nextInt(3) : (rnd.nextInt(8) == 0 ? 4 : 0);
        left = 6 + rnd.nextInt(8);
      }
      ambiguous += label == 4 ? 1 : 0;
      for (int c = 0; c < 6; c++) {
        rgb[t * 6 + c] = (c == label ? 2.0 : 0.0) + 0.3 * rnd.nextGaussian();
      }
      for (int c = 0; c < 4; c++) {
        flow[t * 4 + c] = rnd.nextGaussian();
      }
      target[t * NAMES.size() + label] = 1;
    }
    Npy.write(
        root.resolve(RGB).resolve(id + ".npy"),
        new NpyArray(Npy.FLOAT32, new int[] {steps, 6}, rgb));
    Npy.write(
        root.resolve(FLOW).resolve(id + ".npy"),
        new NpyArray(Npy.FLOAT32, new int[] {steps, 4}, flow));
    Npy.write(
        root.resolve("target_perframe").resolve(id + ".npy"),
        new NpyArray(Npy.FLOAT32, new int[] {steps, NAMES.size()}, target));
    return steps - ambiguous;
  }

  private Path lstrRoot() throws Exception {
    Path root = tmp.resolve("lstr");
    Random rnd = new Random(5);
    for (int i = 1; i <= 5; i++) {
      video(root, "video_validation_" + i, 160, rnd);
    }
    int evaluated = video(root, "video_test_1", 150, rnd) + video(root, "video_test_2", 150, rnd);
    Files.writeString(root.resolve("evaluated.txt"), Integer.toString(evaluated));
    Files.writeString(
        root.resolve("data_info.json"),
        """
        {"THUMOS": {"class_names": ["Background", "Jump", "Run", "Wave", "Ambiguous"],
          "train_session_set": ["video_validation_1", "video_validation_2", "video_validation_3",
                                "video_validation_4", "video_validation_5"],
          "test_session_set": ["video_test_1", "video_test_2"]}}
        """);
    return root;
  }

  @Test
  void shouldTrainAndEvaluateOnAnLstrDataRoot() throws Exception {
    Path root = lstrRoot();
    Path model = tmp.resolve("model");
    assertEquals(
        0,
        OadCli.run(
            "train",
            "--lstr-root",
            root.toString(),
            "--dataset",
            "THUMOS",
            "--feature-folders",
            RGB + "," + FLOW,
            "--val-sessions",
            "1",
            "--preset",
            "synthetic",
            "--epochs",
            "3",
            "--seed",
            "2",
            "--out",
            model.toString(),
            "--work",
            tmp.resolve("work").toString()));
    try (Detector d = Detector.load(model)) {
      assertEquals(NAMES, d.classNames(), "class names from data_info.json");
      assertEquals(10, d.config().featureDim(), "6 rgb + 4 flow columns");
    }

    Path report = tmp.resolve("report");
    assertEquals(
        0,
        OadCli.run(
            "eval",
            "--lstr-root",
            root.toString(),
            "--feature-folders",
            RGB + "," + FLOW,
            "--model",
            model.toString(),
            "--out",
            report.toString()));
    JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
    assertEquals(
        Integer.parseInt(Files.readString(root.resolve("evaluated.txt"))),
        json.findValue("evaluatedFrames").asInt(),
        "the test sessions, Ambiguous (named in data_info.json) frames removed");
    double map = json.findValue("mAP").asDouble();
    // the class is written into the rgb columns: a model that reads them is far above chance (~0.2)
    assertTrue(map > 0.6, "mAP " + map + " in " + json);
  }

  @Test
  void shouldRefuseBadLstrRootsNamingTheFile() throws Exception {
    Path root = lstrRoot();
    String folders = RGB + "," + FLOW;
    Path out = tmp.resolve("m");
    assertError(
        root.resolve("data_info.json") + " has no dataset 'TVSeries' (it has THUMOS)",
        "train",
        "--lstr-root",
        root.toString(),
        "--dataset",
        "TVSeries",
        "--feature-folders",
        folders,
        "--out",
        out.toString());
    Files.delete(root.resolve(FLOW).resolve("video_validation_3.npy"));
    assertError(
        "missing "
            + root.resolve(FLOW).resolve("video_validation_3.npy")
            + " for video 'video_validation_3' (train_session_set of "
            + root.resolve("data_info.json")
            + ")",
        "train",
        "--lstr-root",
        root.toString(),
        "--feature-folders",
        folders,
        "--preset",
        "synthetic",
        "--out",
        out.toString());
    assertError(
        "--val-sessions 5 leaves no training video",
        "train",
        "--lstr-root",
        root.toString(),
        "--feature-folders",
        folders,
        "--val-sessions",
        "5",
        "--out",
        out.toString());
  }

  @Test
  void shouldImportOadtrPicklesAndTrainOnThem() throws Exception {
    Python.run(tmp, Python.OADTR_PICKLES);
    Path out = tmp.resolve("imported");
    assertEquals(
        0,
        OadCli.run(
            "import-features",
            "--oadtr-features",
            tmp.resolve("thumos_train_feature.pickle").toString(),
            "--oadtr-annotations",
            tmp.resolve("thumos_train_anno.pickle").toString(),
            "--oadtr-features",
            tmp.resolve("thumos_test_feature.pickle").toString(),
            "--oadtr-annotations",
            tmp.resolve("thumos_test_anno.pickle").toString(),
            "--data-info",
            tmp.resolve("data_info.json").toString(),
            "--layout",
            "lstr",
            "--out",
            out.toString()));
    for (String v : List.of("video_validation_1", "video_validation_2", "video_test_1")) {
      assertEquals(
          Npy.read(tmp.resolve("expected/" + v + ".rgb.npy")),
          Npy.read(out.resolve("rgb/" + v + ".npy")));
      assertEquals(
          Npy.read(tmp.resolve("expected/targets/" + v + ".npy")),
          Npy.read(out.resolve("target_perframe/" + v + ".npy")));
    }
    Path model = tmp.resolve("model");
    assertEquals(
        0,
        OadCli.run(
            "train",
            "--lstr-root",
            out.toString(),
            "--feature-folders",
            "rgb,flow",
            "--val-sessions",
            "test",
            "--preset",
            "synthetic",
            "--epochs",
            "1",
            "--out",
            model.toString(),
            "--work",
            tmp.resolve("work").toString()));
    try (Detector d = Detector.load(model)) {
      assertEquals(List.of("Background", "Jump", "Run", "Wave", "Ambiguous"), d.classNames());
      assertEquals(48, d.config().featureDim());
    }
    assertEquals(
        0,
        OadCli.run(
            "eval",
            "--lstr-root",
            out.toString(),
            "--feature-folders",
            "rgb,flow",
            "--model",
            model.toString(),
            "--out",
            tmp.resolve("report").toString()));
    assertTrue(Files.isRegularFile(tmp.resolve("report/report.json")));

    // the npy layout, and a hostile pickle refused by the command
    Path npy = tmp.resolve("npy");
    assertEquals(
        0,
        OadCli.run(
            "import-features",
            "--oadtr-features",
            tmp.resolve("thumos_test_feature.pickle").toString(),
            "--oadtr-annotations",
            tmp.resolve("thumos_test_anno.pickle").toString(),
            "--split",
            "test",
            "--out",
            npy.toString()));
    assertEquals(List.of("video_test_1"), Files.readAllLines(npy.resolve("test.txt")));
    assertEquals(
        Npy.read(tmp.resolve("expected/features/video_test_1.npy")),
        Npy.read(npy.resolve("features/video_test_1.npy")));
    Path marker = tmp.resolve("PWNED");
    Python.run(
        tmp,
        """
        import os, pickle, sys
        class Attack:
            def __reduce__(self):
                return (os.system, ('touch ' + sys.argv[1],))
        with open('hostile.pickle', 'wb') as f:
            pickle.dump({'video_test_1': {'rgb': Attack()}}, f, protocol=4)
        """,
        marker.toString());
    assertError(
        List.of(
            tmp.resolve("hostile.pickle") + " at byte ", "global 'posix.system' is not allowed"),
        "import-features",
        "--oadtr-features",
        tmp.resolve("hostile.pickle").toString(),
        "--oadtr-annotations",
        tmp.resolve("thumos_test_anno.pickle").toString(),
        "--split",
        "test",
        "--out",
        tmp.resolve("h").toString());
    assertTrue(!Files.exists(marker), "nothing ran");
  }

  private static void assertError(String expected, String... args) {
    assertError(List.of(expected), args);
  }

  private static void assertError(List<String> expected, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = OadCli.run(args);
    } finally {
      System.setErr(old);
    }
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, text);
    for (String e : expected) {
      assertTrue(text.contains(e), "'" + text + "' lacks '" + e + "'");
    }
  }
}
