package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.detector.Detector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportExportCommandTest {
  @TempDir Path tmp;

  static Path tiny() {
    Path dir =
        Path.of(System.getProperty("oad.shared", "../shared")).resolve("data/oadtr-reference/tiny");
    assertTrue(
        Files.isDirectory(dir), "OadTR reference not found at " + dir + " (set -Doad.shared=DIR)");
    return dir;
  }

  /**
   * Imports the official tiny reference into {@code out} through the command line; returns {@code
   * out}.
   */
  static Path importTiny(Path out, String... extra) {
    Path ref = tiny();
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "import",
                "--weights",
                ref.resolve("weights.npz").toString(),
                "--config",
                ref.resolve("config.json").toString(),
                "--out",
                out.toString()));
    args.addAll(java.util.List.of(extra));
    assertEquals(0, OadCli.run(args.toArray(String[]::new)), "oad import of the tiny reference");
    return out;
  }

  @Test
  void shouldRoundTripImportExportImportWithIdenticalWeightsAndOutputs() throws Exception {
    Path first = importTiny(tmp.resolve("first"), "--classes", "bg,a,b,c,d");
    Path exported = tmp.resolve("exported.npz");
    assertEquals(0, OadCli.run("export", "--format", "npz", first.toString(), exported.toString()));
    assertTrue(Files.isRegularFile(tmp.resolve("exported.config.json")));
    Path second = tmp.resolve("second");
    assertEquals(
        0,
        OadCli.run(
            "import",
            "--weights",
            exported.toString(),
            "--config",
            tmp.resolve("exported.config.json").toString(),
            "--out",
            second.toString(),
            "--classes",
            "bg,a,b,c,d"));

    try (Detector a = Detector.load(first);
        Detector b = Detector.load(second)) {
      assertEquals(a.config(), b.config());
      assertEquals(a.classNames(), b.classNames());
      float[][][] windows = new float[4][a.config().window()][a.config().featureDim()];
      Random r = new Random(3);
      for (float[][] w : windows) {
        for (float[] row : w) {
          for (int i = 0; i < row.length; i++) {
            row[i] = (float) r.nextGaussian();
          }
        }
      }
      Detector.Output x = a.logits(windows);
      Detector.Output y = b.logits(windows);
      for (int i = 0; i < windows.length; i++) {
        assertArrayEquals(x.current()[i], y.current()[i], 0f);
        for (int k = 0; k < x.future()[i].length; k++) {
          assertArrayEquals(x.future()[i][k], y.future()[i][k], 0f);
        }
      }
    }
    assertArrayEquals(
        Files.readAllBytes(first.resolve("weights.npz")), Files.readAllBytes(exported));
  }

  @Test
  void shouldRefuseACheckpointThatDoesNotFitTheConfigNamingTheMismatch() throws Exception {
    Path ref = tiny();
    Path cfg = tmp.resolve("wrong.json");
    Files.writeString(
        cfg,
        Files.readString(ref.resolve("config.json"))
            .replace("\"hidden_dim\": 40", "\"hidden_dim\": 41"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int rc;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      rc =
          OadCli.run(
              "import",
              "--weights",
              ref.resolve("weights.npz").toString(),
              "--config",
              cfg.toString(),
              "--out",
              tmp.resolve("m").toString());
    } finally {
      System.setErr(old);
    }
    assertEquals(2, rc);
    String msg = err.toString(StandardCharsets.UTF_8);
    assertTrue(msg.contains("shape") && msg.contains("41"), msg);
  }
}
