package io.oad.extractor;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.WritableRaster;

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
    long[] sums = new long[GRID_SIZE];
    int[] counts = new int[GRID_WIDTH * GRID_HEIGHT];
    long[] bins = new long[HISTOGRAM_SIZE];
    int[] cellOfColumn = new int[width];
    for (int x = 0; x < width; x++) {
      cellOfColumn[x] = (int) ((long) x * GRID_WIDTH / width);
    }
    int plane = GRID_WIDTH * GRID_HEIGHT;
    RowReader rows = RowReader.of(image);
    int[] rgb = new int[3 * width];
    for (int y = 0; y < height; y++) {
      rows.read(y, rgb);
      int cellRow = (int) ((long) y * GRID_HEIGHT / height) * GRID_WIDTH;
      for (int x = 0; x < width; x++) {
        int r = rgb[3 * x];
        int g = rgb[3 * x + 1];
        int b = rgb[3 * x + 2];
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
            n == 0 ? 127.5f : (float) ((double) sums[c * plane + cell] / n);
      }
    }
    double total = (double) width * height;
    int histogramOffset = index * HISTOGRAM_SIZE;
    for (int i = 0; i < HISTOGRAM_SIZE; i++) {
      histogram[histogramOffset + i] = (float) (bins[i] / total);
    }
  }

  /**
   * Reads one row as interleaved R, G, B samples 0..255. Decoded JPEGs (3-byte BGR, grey) are read
   * from the raster directly, which is several times faster than {@link BufferedImage#getRGB}; grey
   * values are taken as they are stored (no colour-space conversion).
   */
  private interface RowReader {
    void read(int y, int[] rgb);

    static RowReader of(BufferedImage image) {
      WritableRaster raster = image.getRaster();
      int width = image.getWidth();
      if ((image.getType() == BufferedImage.TYPE_3BYTE_BGR
              || image.getType() == BufferedImage.TYPE_BYTE_GRAY)
          && raster.getSampleModel() instanceof ComponentSampleModel model
          && raster.getDataBuffer() instanceof DataBufferByte buffer) {
        return bytes(raster, model, buffer, width);
      }
      switch (image.getType()) {
        case BufferedImage.TYPE_INT_RGB:
        case BufferedImage.TYPE_INT_BGR:
          // these rasters have exactly the bands R, G, B in that order
          return (y, rgb) -> raster.getPixels(0, y, width, 1, rgb);
        default:
          int[] packed = new int[width];
          return (y, rgb) -> {
            image.getRGB(0, y, width, 1, packed, 0, width);
            for (int x = 0; x < width; x++) {
              rgb[3 * x] = (packed[x] >> 16) & 0xFF;
              rgb[3 * x + 1] = (packed[x] >> 8) & 0xFF;
              rgb[3 * x + 2] = packed[x] & 0xFF;
            }
          };
      }
    }

    /** Reads the bytes of a 3-band (R, G, B) or 1-band (grey) raster in place, no copies. */
    private static RowReader bytes(
        WritableRaster raster, ComponentSampleModel model, DataBufferByte buffer, int width) {
      byte[] data = buffer.getData();
      int stride = model.getScanlineStride();
      int pixelStride = model.getPixelStride();
      int[] bands = model.getBandOffsets();
      int origin =
          buffer.getOffset()
              - raster.getSampleModelTranslateY() * stride
              - raster.getSampleModelTranslateX() * pixelStride;
      boolean grey = bands.length == 1;
      int r = bands[0];
      int g = grey ? bands[0] : bands[1];
      int b = grey ? bands[0] : bands[2];
      return (y, rgb) -> {
        int pixel = origin + y * stride;
        for (int x = 0; x < width; x++, pixel += pixelStride) {
          rgb[3 * x] = data[pixel + r] & 0xFF;
          rgb[3 * x + 1] = data[pixel + g] & 0xFF;
          rgb[3 * x + 2] = data[pixel + b] & 0xFF;
        }
      };
    }
  }
}
