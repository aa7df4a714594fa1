package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.Npy;
import io.oad.datasets.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official reference batch through the command line: import, then predict, against the official
 * logits.
 */
class PredictCommandTest {
  @TempDir Path tmp;

  @Test
  void shouldReproduceTheOfficialLogitsThroughImportAndPredict() throws IOException {
    Path ref = ImportExportCommandTest.tiny();
    Path model = ImportExportCommandTest.importTiny(tmp.resolve("tiny"));
    Path out = tmp.resolve("logits.npz");
    assertEquals(
        0,
        OadCli.run(
            "predict",
            "--model",
            model.toString(),
            "--input",
            ref.resolve("input.npy").toString(),
            "--out",
            out.toString(),
            "--batch",
            "2"));

    Map<String, NpyArray> got = readNpz(out);
    compare(Npy.read(ref.resolve("expected_current_logits.npy")), got.get("current.npy"));
    compare(Npy.read(ref.resolve("expected_future_logits.npy")), got.get("future.npy"));
  }

  @Test
  void shouldRefuseWindowsOfTheWrongShape() throws IOException {
    Path model = ImportExportCommandTest.importTiny(tmp.resolve("tiny"));
    Path bad = tmp.resolve("bad.npy");
    Npy.write(bad, new NpyArray(Npy.FLOAT32, new int[] {2, 5, 48}, new double[2 * 5 * 48]));
    assertEquals(
        2,
        OadCli.run(
            "predict",
            "--model",
            model.toString(),
            "--input",
            bad.toString(),
            "--out",
            tmp.resolve("x.npz").toString()));
    assertTrue(Files.notExists(tmp.resolve("x.npz")));
  }

  private static void compare(NpyArray expected, NpyArray actual) {
    assertArrayEquals(expected.shape(), actual.shape());
    double scale = 0;
    for (double v : expected.values()) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < expected.values().length; i++) {
      double e = expected.values()[i];
      double a = actual.values()[i];
      assertTrue(
          Math.abs(a - e) <= 1e-4 * scale && Math.abs(a - e) <= 1e-5,
          "logit " + i + ": " + a + " vs " + e);
    }
  }

  private static Map<String, NpyArray> readNpz(Path file) throws IOException {
    Map<String, NpyArray> out = new HashMap<>();
    try (InputStream in = Files.newInputStream(file);
        ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        out.put(e.getName(), Npy.parse(zip.readAllBytes(), file + ":" + e.getName()));
      }
    }
    return out;
  }
}
