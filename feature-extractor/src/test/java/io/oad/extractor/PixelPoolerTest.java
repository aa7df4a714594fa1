package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PixelPoolerTest {
  @Test
  void shouldAverageEachGridCellAndCountColourFractions() {
    // 32x24: every grid cell is 2x2 pixels; left half pure red, right half (0, 100, 200)
    BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(255, 0, 0));
    g.fillRect(0, 0, 16, 24);
    g.setColor(new Color(0, 100, 200));
    g.fillRect(16, 0, 16, 24);
    g.dispose();
    // one pixel of the top-left cell made white: its cell mean moves by a quarter
    image.setRGB(0, 0, 0xFFFFFF);

    float[] grid = new float[PixelPooler.GRID_SIZE];
    float[] histogram = new float[PixelPooler.HISTOGRAM_SIZE];
    PixelPooler.pool(image, 0, grid, histogram);

    int plane = PixelPooler.GRID_WIDTH * PixelPooler.GRID_HEIGHT;
    assertEquals(255f, grid[0]); // red of cell (0, 0)
    assertEquals(255f / 4, grid[plane], 1e-4); // green of cell (0, 0)
    assertEquals(255f, grid[1]); // red of cell (1, 0)
    assertEquals(0f, grid[8]); // red of cell (8, 0), right half
    assertEquals(100f, grid[plane + 8]);
    assertEquals(200f, grid[2 * plane + 8]);
    float pixels = 32 * 24;
    assertEquals((16 * 24 - 1) / pixels, histogram[3 * 16], 1e-6); // red bin (3, 0, 0)
    assertEquals(16 * 24 / pixels, histogram[1 * 4 + 3], 1e-6); // (0, 100, 200) -> bin (0, 1, 3)
    assertEquals(1 / pixels, histogram[63], 1e-6); // white
  }

  @Test
  void shouldReadTheFastRasterPathExactlyLikeTheGenericOne() {
    BufferedImage bgr = TestFrames.scene(97, 61, 9);
    assertSamePooling(bgr, argbCopy(bgr));
    // a subimage shares the parent's buffer with an offset and a wider stride
    BufferedImage sub = TestFrames.scene(200, 150, 4).getSubimage(31, 17, 90, 70);
    assertSamePooling(sub, argbCopy(sub));
  }

  @Test
  void shouldTakeGreyValuesAsStored() {
    BufferedImage grey = new BufferedImage(32, 24, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 24; y++) {
      for (int x = 0; x < 32; x++) {
        grey.getRaster().setSample(x, y, 0, 100);
      }
    }
    float[] grid = new float[PixelPooler.GRID_SIZE];
    float[] histogram = new float[PixelPooler.HISTOGRAM_SIZE];
    PixelPooler.pool(grey, 0, grid, histogram);
    assertEquals(100f, grid[0]);
    assertEquals(100f, grid[PixelPooler.GRID_SIZE - 1]);
    assertEquals(1f, histogram[21]); // 100 >> 6 = 1 in every channel: bin (1, 1, 1)
  }

  private static BufferedImage argbCopy(BufferedImage image) {
    BufferedImage argb =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = argb.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return argb;
  }

  private static void assertSamePooling(BufferedImage fast, BufferedImage generic) {
    int gs = PixelPooler.GRID_SIZE;
    int hs = PixelPooler.HISTOGRAM_SIZE;
    float[] grid = new float[2 * gs];
    float[] hist = new float[2 * hs];
    PixelPooler.pool(fast, 0, grid, hist);
    PixelPooler.pool(generic, 1, grid, hist);
    assertArrayEquals(Arrays.copyOfRange(grid, 0, gs), Arrays.copyOfRange(grid, gs, 2 * gs));
    assertArrayEquals(Arrays.copyOfRange(hist, 0, hs), Arrays.copyOfRange(hist, hs, 2 * hs));
  }
}
