package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TorchScript file made by PyTorch itself (scripts/make-torchscript.py with Debian's
 * python3-torch) loads as a backbone and computes what PyTorch computed.
 */
@Tag("integration")
class TorchScriptBackboneIT {
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir Path tmp;

  @Test
  void shouldLoadATorchScriptFileAndReproducePyTorchsOutput() throws Exception {
    Path script =
        Path.of(System.getProperty("oad.root", ".."))
            .resolve("scripts/make-torchscript.py")
            .toAbsolutePath();
    assertTrue(Files.isRegularFile(script), "missing " + script);
    Path model = tmp.resolve("tiny.pt");
    Path expectedFile = tmp.resolve("expected.txt");
    Process p =
        new ProcessBuilder(PYTHON, script.toString(), model.toString(), expectedFile.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
    assertEquals(
        0,
        p.exitValue(),
        "making the TorchScript file failed (install Debian's python3-torch; .ci/run does): "
            + output);

    float[] expected = parse(Files.readString(expectedFile));
    try (TorchScriptBackbone backbone =
        TorchScriptBackbone.builder()
            .setModelPath(model)
            .optInputSize(64, 48)
            .optMean(0f, 0f, 0f)
            .optStd(1f, 1f, 1f)
            .build()) {
      assertEquals(16, backbone.dimension());
      int grey = 102; // 102 / 255 = 0.4, the value the script fed to PyTorch
      float[][] out = backbone.embed(List.of(uniform(grey), uniform(grey), pattern()));
      assertArrayEquals(expected, out[0], 1e-4f, "DJL output vs PyTorch's for the same input");
      assertArrayEquals(out[0], out[1], 0f, "deterministic");
      assertFalse(Arrays.equals(out[0], out[2]), "another image gives another embedding");
    }
  }

  private static float[] parse(String line) {
    String[] parts = line.trim().split("\\s+");
    float[] v = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      v[i] = Float.parseFloat(parts[i]);
    }
    return v;
  }

  private static BufferedImage uniform(int grey) {
    BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(grey, grey, grey));
    g.fillRect(0, 0, 64, 48);
    g.dispose();
    return img;
  }

  private static BufferedImage pattern() {
    BufferedImage img = uniform(30);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillOval(10, 5, 30, 30);
    g.dispose();
    return img;
  }
}
