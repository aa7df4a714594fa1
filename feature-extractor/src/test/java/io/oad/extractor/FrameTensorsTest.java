package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Random;
import java.util.WeakHashMap;
import javax.imageio.ImageIO;
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

  /** The same image in another buffer layout. */
  private static BufferedImage as(BufferedImage source, int type) {
    BufferedImage out = new BufferedImage(source.getWidth(), source.getHeight(), type);
    Graphics2D g = out.createGraphics();
    g.drawImage(source, 0, 0, null);
    g.dispose();
    return out;
  }

  private static BufferedImage noise(int w, int h, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return image;
  }

  private static void assertSameRgb(BufferedImage image, String what) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] expected = image.getRGB(0, 0, w, h, null, 0, w);
    int[] fast = FrameTensors.rgbPixels(image);
    assertEquals(expected.length, fast.length, what);
    for (int i = 0; i < expected.length; i++) {
      if ((expected[i] & 0xFFFFFF) != (fast[i] & 0xFFFFFF)) {
        throw new AssertionError(
            what
                + ": pixel "
                + i
                + " is "
                + Integer.toHexString(fast[i])
                + ", getRGB says "
                + Integer.toHexString(expected[i]));
      }
    }
  }

  @Test
  void shouldReadTheSamePixelsAsGetRgbInEveryLayout() throws Exception {
    BufferedImage source = noise(37, 23, 5);
    int[] types = {
      BufferedImage.TYPE_INT_RGB,
      BufferedImage.TYPE_INT_ARGB,
      BufferedImage.TYPE_INT_BGR,
      BufferedImage.TYPE_3BYTE_BGR,
      BufferedImage.TYPE_4BYTE_ABGR,
      BufferedImage.TYPE_4BYTE_ABGR_PRE,
      BufferedImage.TYPE_BYTE_GRAY,
      BufferedImage.TYPE_USHORT_565_RGB,
      BufferedImage.TYPE_BYTE_INDEXED
    };
    for (int type : types) {
      BufferedImage image = as(source, type);
      assertSameRgb(image, "type " + type);
      // a window into a larger buffer: offsets and strides of a child raster
      assertSameRgb(image.getSubimage(3, 5, 20, 11), "sub-image of type " + type);
    }
    // what the extractor's decoder hands over
    BufferedImage decoded =
        ImageIO.read(new ByteArrayInputStream(TestFrames.jpeg(TestFrames.scene(160, 120, 9))));
    assertSameRgb(decoded, "decoded JPEG");
    BufferedImage png =
        ImageIO.read(new ByteArrayInputStream(TestFrames.png(TestFrames.scene(64, 48, 3))));
    assertSameRgb(png, "decoded PNG");
  }

  @Test
  void shouldGiveTheSameTensorsWhenReusingTheGreyPlanes() {
    FrameTensors tensors = new FrameTensors(64, 48);
    Map<BufferedImage, float[]> greys = new WeakHashMap<>();
    BufferedImage previous = as(noise(160, 120, 1), BufferedImage.TYPE_3BYTE_BGR);
    tensors.of(FrameInput.of(previous), greys);
    assertTrue(greys.containsKey(previous), "the current frame's grey plane is remembered");
    for (long seed = 2; seed < 5; seed++) {
      BufferedImage current = as(noise(160, 120, seed), BufferedImage.TYPE_3BYTE_BGR);
      FrameInput input = new FrameInput(current, previous);
      FrameTensor plain = tensors.of(input);
      FrameTensor cached = tensors.of(input, greys);
      assertArrayEquals(plain.rgb(), cached.rgb());
      assertArrayEquals(plain.motion(), cached.motion());
      previous = current;
    }
  }
}
