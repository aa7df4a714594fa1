package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class PreviousFramesTest {
  private static BufferedImage image() {
    return new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR);
  }

  @Test
  void shouldGiveThePreviousFrameOnlyForTheNextSequenceNumber() {
    PreviousFrames frames = new PreviousFrames();
    BufferedImage a = image();
    BufferedImage b = image();
    BufferedImage c = image();

    assertNull(frames.next("cam", 10, a).previous());
    assertSame(a, frames.next("cam", 11, b).previous());
    assertNull(frames.next("cam", 13, c).previous(), "gap");
    assertNull(frames.next("cam", 13, image()).previous(), "repeat");
    assertNull(frames.next("cam", 0, image()).previous(), "restart");
  }

  @Test
  void shouldKeepCamerasApart() {
    PreviousFrames frames = new PreviousFrames();
    BufferedImage a = image();
    frames.next("a", 1, a);

    assertNull(frames.next("b", 2, image()).previous());
    assertSame(a, frames.next("a", 2, image()).previous());
  }

  @Test
  void shouldForgetTheLeastRecentlySeenCameraBeyondTheLimit() {
    PreviousFrames frames = new PreviousFrames(2);
    BufferedImage a = image();
    frames.next("a", 1, a);
    frames.next("b", 1, image());
    frames.next("a", 2, a); // a is now the most recent
    frames.next("c", 1, image()); // evicts b

    assertEquals(2, frames.size());
    assertNull(frames.next("b", 2, image()).previous(), "b was forgotten");
    assertThrows(IllegalArgumentException.class, () -> new PreviousFrames(0));
  }

  @Test
  void shouldKeepALargePreviousFrameDownscaled() {
    PreviousFrames frames = new PreviousFrames();
    BufferedImage large = TestFrames.scene(1280, 720, 4);
    frames.next("cam", 1, large);

    BufferedImage kept = frames.next("cam", 2, image()).previous();

    long pixels = (long) kept.getWidth() * kept.getHeight();
    assertTrue(
        pixels <= PreviousFrames.DEFAULT_MAX_FRAME_PIXELS,
        kept.getWidth() + "x" + kept.getHeight());
    assertEquals(1280.0 / 720, (double) kept.getWidth() / kept.getHeight(), 0.05, "aspect kept");
    assertEquals(meanGrey(large), meanGrey(kept), 2.0, "a box average keeps the picture");
  }

  @Test
  void shouldForgetCamerasBeyondThePixelBudget() {
    PreviousFrames frames = new PreviousFrames(100, 160 * 120, 3 * 160 * 120);
    for (int camera = 0; camera < 5; camera++) {
      frames.next("cam-" + camera, 1, new BufferedImage(160, 120, BufferedImage.TYPE_3BYTE_BGR));
    }

    assertEquals(3, frames.size());
    assertTrue(frames.pixels() <= 3 * 160 * 120);
    assertNull(frames.next("cam-0", 2, image()).previous(), "the least recent camera went first");
  }

  private static double meanGrey(BufferedImage image) {
    double sum = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        sum += ((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 3.0;
      }
    }
    return sum / ((double) image.getWidth() * image.getHeight());
  }
}
