package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class FrameTensorsTest {
  private static BufferedImage filled(int w, int h, Color colour) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(colour);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return image;
  }

  @Test
  void shouldAreaAverageAnySizeToTheTargetAndNormalise() {
    FrameTensors tensors = new FrameTensors(64, 48);
    // a 160x120 frame whose left half is white and right half black
    BufferedImage image = filled(160, 120, Color.BLACK);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 80, 120);
    g.dispose();

    FrameTensor t = tensors.of(FrameInput.of(image));

    assertEquals(3 * 64 * 48, t.rgb().length);
    assertEquals(2f, t.rgb()[10 * 64 + 5], 1e-4f, "white -> (1 - .5) / .25");
    assertEquals(-2f, t.rgb()[10 * 64 + 60], 1e-4f, "black -> (0 - .5) / .25");
    assertEquals(0f, t.rgb()[10 * 64 + 31] + t.rgb()[10 * 64 + 32], 1e-3f, "symmetric edge");
    for (float m : t.motion()) {
      assertEquals(0f, m, "no previous frame, no motion");
    }
  }

  @Test
  void shouldGiveASignedGreyChangeAsMotion() {
    FrameTensors tensors = new FrameTensors(16, 12);
    FrameTensor brighter =
        tensors.of(
            new FrameInput(filled(40, 30, new Color(200, 200, 200)), filled(40, 30, Color.BLACK)));
    FrameTensor darker =
        tensors.of(
            new FrameInput(filled(40, 30, Color.BLACK), filled(40, 30, new Color(200, 200, 200))));

    assertEquals(200f / 255f * 4f, brighter.motion()[0], 1e-3f);
    assertEquals(-200f / 255f * 4f, darker.motion()[7], 1e-3f);
    assertTrue(brighter.rgb()[0] > 0);
    assertThrows(IllegalArgumentException.class, () -> new FrameTensors(2, 12));
  }
}
