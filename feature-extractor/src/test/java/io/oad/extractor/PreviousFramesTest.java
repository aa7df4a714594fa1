package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
