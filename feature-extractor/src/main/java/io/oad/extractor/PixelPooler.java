package io.oad.extractor;

import java.awt.image.BufferedImage;

/**
 * Reduces an image of any size to a fixed-size description: the mean RGB of each cell of a {@value
 * #GRID_WIDTH}x{@value #GRID_HEIGHT} grid and a coarse {@value #HISTOGRAM_LEVELS}-level-per-channel
 * colour histogram (fractions of pixels, so independent of the frame size). This stays in Java
 * because frames from different cameras have different sizes and cannot be stacked into one tensor
 * before this step.
 */
final class PixelPooler {
  static final int GRID_WIDTH = 16;
  static final int GRID_HEIGHT = 12;
  static final int GRID_SIZE = 3 * GRID_WIDTH * GRID_HEIGHT;
  static final int HISTOGRAM_LEVELS = 4;
  static final int HISTOGRAM_SIZE = HISTOGRAM_LEVELS * HISTOGRAM_LEVELS * HISTOGRAM_LEVELS;

  private PixelPooler() {}

  /**
   * Writes the grid of image {@code index} into {@code grid} (layout N x 3 x H x W, values 0..255)
   * and its histogram into {@code histogram} (layout N x 64, fractions summing to 1).
   */
  static void pool(BufferedImage image, int index, float[] grid, float[] histogram) {
    int width = image.getWidth();
    int height = image.getHeight();
    double[] sums = new double[GRID_SIZE];
    int[] counts = new int[GRID_WIDTH * GRID_HEIGHT];
    long[] bins = new long[HISTOGRAM_SIZE];
    int[] row = new int[width];
    int[] cellOfColumn = new int[width];
    for (int x = 0; x < width; x++) {
      cellOfColumn[x] = (int) ((long) x * GRID_WIDTH / width);
    }
    int plane = GRID_WIDTH * GRID_HEIGHT;
    for (int y = 0; y < height; y++) {
      image.getRGB(0, y, width, 1, row, 0, width);
      int cellRow = (int) ((long) y * GRID_HEIGHT / height) * GRID_WIDTH;
      for (int x = 0; x < width; x++) {
        int rgb = row[x];
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        int cell = cellRow + cellOfColumn[x];
        sums[cell] += r;
        sums[plane + cell] += g;
        sums[2 * plane + cell] += b;
        counts[cell]++;
        bins[(r >> 6) * 16 + (g >> 6) * 4 + (b >> 6)]++;
      }
    }
    int gridOffset = index * GRID_SIZE;
    for (int c = 0; c < 3; c++) {
      for (int cell = 0; cell < plane; cell++) {
        // a frame smaller than the grid leaves some cells empty: they take the mid grey value
        int n = counts[cell];
        grid[gridOffset + c * plane + cell] =
            n == 0 ? 127.5f : (float) (sums[c * plane + cell] / n);
      }
    }
    double total = (double) width * height;
    int histogramOffset = index * HISTOGRAM_SIZE;
    for (int i = 0; i < HISTOGRAM_SIZE; i++) {
      histogram[histogramOffset + i] = (float) (bins[i] / total);
    }
  }
}
