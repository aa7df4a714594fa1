package io.oad.extractor;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns a {@link FrameInput} into the {@link FrameTensor} of a given size: both frames are
 * area-averaged to {@code width x height} (so any input size works and down-scaling does not
 * alias), the current one is normalised per channel and the motion plane is the signed change of
 * grey level between them. Deterministic; safe to share between threads.
 *
 * <p>Pixels are read straight from the image's buffer for the layouts the JPEG and PNG decoders
 * produce (8-bit interleaved sRGB bytes, packed sRGB ints): the same values {@link
 * BufferedImage#getRGB} returns, without its per-pixel colour-model calls, which cost more than the
 * backbone itself. Other layouts (grey, indexed, other colour spaces) go through {@code getRGB}.
 */
public final class FrameTensors {
  private static final float MEAN = 0.5f;
  private static final float STD = 0.25f;
  private static final float MOTION_SCALE = 4f;

  private final int width;
  private final int height;
  // the resampling weights of the last source size (frames of a camera rarely change size)
  private volatile Plan plan;

  private record Plan(int sourceWidth, int sourceHeight, Weights horizontal, Weights vertical) {}

  /**
   * @param width output width in pixels, 4..1024
   * @param height output height in pixels, 4..1024
   */
  public FrameTensors(int width, int height) {
    if (width < 4 || height < 4 || width > 1024 || height > 1024) {
      throw new IllegalArgumentException("size must be in 4..1024: " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Pixels per plane. */
  public int planeSize() {
    return width * height;
  }

  /** The tensors of one frame. */
  public FrameTensor of(FrameInput frame) {
    return of(frame, null);
  }

  /**
   * The tensors of one frame, reusing grey planes computed before: {@code greys} maps frames this
   * method has seen as current (by identity) to their grey plane at the output size, and is updated
   * with the new current frame. A camera's previous frame is then not resized again. The result is
   * the same as {@link #of(FrameInput)}'s. Decoded frames must not be modified after they are seen;
   * {@code greys} should hold its keys weakly (a {@link java.util.WeakHashMap}: images do not
   * override {@code equals}), so that it forgets the frames nobody remembers.
   *
   * @param greys the grey planes by frame, or null to compute every plane
   */
  public FrameTensor of(FrameInput frame, Map<BufferedImage, float[]> greys) {
    float[] current = resize(frame.current());
    int plane = planeSize();
    float[] rgb = new float[3 * plane];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (current[i] / 255f - MEAN) / STD;
    }
    float[] motion = new float[plane];
    float[] currentGrey = null;
    if (frame.previous() != null || greys != null) {
      currentGrey = grey(current);
    }
    if (frame.previous() != null) {
      float[] previousGrey = greys == null ? null : greys.get(frame.previous());
      if (previousGrey == null) {
        previousGrey = grey(resize(frame.previous()));
      }
      for (int i = 0; i < plane; i++) {
        float change = currentGrey[i] - previousGrey[i];
        motion[i] = change / 255f * MOTION_SCALE;
      }
    }
    if (greys != null) {
      greys.put(frame.current(), currentGrey);
    }
    return new FrameTensor(rgb, motion);
  }

  private float[] grey(float[] planes) {
    int plane = planeSize();
    float[] out = new float[plane];
    for (int i = 0; i < plane; i++) {
      out[i] = grey(planes, i, plane);
    }
    return out;
  }

  private static float grey(float[] planes, int i, int plane) {
    return 0.299f * planes[i] + 0.587f * planes[plane + i] + 0.114f * planes[2 * plane + i];
  }

  /** Area-averages an image to planar RGB values 0..255 of the output size. */
  float[] resize(BufferedImage image) {
    int sw = image.getWidth();
    int sh = image.getHeight();
    int[] argb = rgbPixels(image);
    Plan weights = plan;
    if (weights == null || weights.sourceWidth() != sw || weights.sourceHeight() != sh) {
      weights = new Plan(sw, sh, Weights.of(sw, width), Weights.of(sh, height));
      plan = weights;
    }
    Weights horizontal = weights.horizontal();
    Weights vertical = weights.vertical();
    // horizontal pass: sh rows x width columns x 3 channels; each source row is unpacked once
    float[] rows = new float[sh * width * 3];
    float[] red = new float[sw];
    float[] green = new float[sw];
    float[] blue = new float[sw];
    for (int y = 0; y < sh; y++) {
      int row = y * sw;
      for (int k = 0; k < sw; k++) {
        int p = argb[row + k];
        red[k] = (p >> 16) & 0xFF;
        green[k] = (p >> 8) & 0xFF;
        blue[k] = p & 0xFF;
      }
      for (int x = 0; x < width; x++) {
        float r = 0;
        float g = 0;
        float b = 0;
        int from = horizontal.start[x];
        float[] w = horizontal.weight[x];
        for (int j = 0; j < w.length; j++) {
          r += w[j] * red[from + j];
          g += w[j] * green[from + j];
          b += w[j] * blue[from + j];
        }
        int o = (y * width + x) * 3;
        rows[o] = r;
        rows[o + 1] = g;
        rows[o + 2] = b;
      }
    }
    // vertical pass, a whole output row at a time (the same sums, in the same order, per value)
    int plane = planeSize();
    int line = width * 3;
    float[] out = new float[3 * plane];
    float[] sum = new float[line];
    for (int y = 0; y < height; y++) {
      Arrays.fill(sum, 0f);
      int from = vertical.start[y];
      float[] w = vertical.weight[y];
      for (int j = 0; j < w.length; j++) {
        float wj = w[j];
        int base = (from + j) * line;
        for (int i = 0; i < line; i++) {
          sum[i] += wj * rows[base + i];
        }
      }
      int o = y * width;
      for (int x = 0; x < width; x++) {
        out[o + x] = sum[3 * x];
        out[plane + o + x] = sum[3 * x + 1];
        out[2 * plane + o + x] = sum[3 * x + 2];
      }
    }
    return out;
  }

  /**
   * The image's pixels as {@link BufferedImage#getRGB(int, int, int, int, int[], int, int)} returns
   * them for the whole image (row by row, {@code 0xAARRGGBB}, or at least the same red, green and
   * blue), read straight from the buffer when its layout allows it.
   */
  static int[] rgbPixels(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    Raster raster = image.getRaster();
    int tx = -raster.getSampleModelTranslateX();
    int ty = -raster.getSampleModelTranslateY();
    DataBuffer buffer = raster.getDataBuffer();
    if (buffer.getNumBanks() == 1 && isSrgb(image)) {
      if (buffer instanceof DataBufferByte bytes
          && image.getColorModel() instanceof ComponentColorModel cm
          && raster.getSampleModel() instanceof ComponentSampleModel sm
          && !cm.isAlphaPremultiplied()
          && (sm.getNumBands() == 3 || (sm.getNumBands() == 4 && cm.hasAlpha()))
          && eightBits(sm)) {
        byte[] data = bytes.getData();
        int[] bands = sm.getBandOffsets();
        int[] banks = sm.getBankIndices();
        if (banks[0] == 0 && banks[1] == 0 && banks[2] == 0) {
          int pixelStride = sm.getPixelStride();
          int rowStride = sm.getScanlineStride();
          int base = buffer.getOffset();
          int r = bands[0];
          int g = bands[1];
          int b = bands[2];
          int[] out = new int[w * h];
          for (int y = 0; y < h; y++) {
            int o = base + (y + ty) * rowStride + tx * pixelStride;
            int row = y * w;
            for (int x = 0; x < w; x++, o += pixelStride) {
              out[row + x] =
                  0xFF000000
                      | (data[o + r] & 0xFF) << 16
                      | (data[o + g] & 0xFF) << 8
                      | (data[o + b] & 0xFF);
            }
          }
          return out;
        }
      }
      if (buffer instanceof DataBufferInt ints
          && image.getColorModel() instanceof DirectColorModel cm
          && raster.getSampleModel() instanceof SinglePixelPackedSampleModel sm
          && !cm.isAlphaPremultiplied()
          && cm.getRedMask() == 0xFF0000
          && cm.getGreenMask() == 0xFF00
          && cm.getBlueMask() == 0xFF) {
        int[] data = ints.getData();
        int rowStride = sm.getScanlineStride();
        int base = buffer.getOffset();
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
          int o = base + (y + ty) * rowStride + tx;
          for (int x = 0; x < w; x++) {
            out[y * w + x] = 0xFF000000 | data[o + x];
          }
        }
        return out;
      }
    }
    return image.getRGB(0, 0, w, h, null, 0, w);
  }

  private static boolean isSrgb(BufferedImage image) {
    return image.getColorModel().getColorSpace().isCS_sRGB();
  }

  private static boolean eightBits(ComponentSampleModel sm) {
    for (int size : sm.getSampleSize()) {
      if (size != 8) {
        return false;
      }
    }
    return true;
  }

  /** For each output index, the source range it covers and the share of each source pixel. */
  private record Weights(int[] start, int[] end, float[][] weight) {
    static Weights of(int source, int target) {
      double scale = (double) source / target;
      int[] start = new int[target];
      int[] end = new int[target];
      float[][] weight = new float[target][];
      for (int d = 0; d < target; d++) {
        double a = d * scale;
        double b = (d + 1) * scale;
        int s = (int) Math.floor(a);
        int e = Math.min(source, (int) Math.ceil(b - 1e-9));
        if (e <= s) {
          e = Math.min(source, s + 1);
        }
        float[] w = new float[e - s];
        double total = 0;
        for (int k = s; k < e; k++) {
          double share = Math.max(0, Math.min(b, k + 1) - Math.max(a, k));
          w[k - s] = (float) share;
          total += share;
        }
        for (int k = 0; k < w.length; k++) {
          w[k] = total > 0 ? (float) (w[k] / total) : 1f / w.length;
        }
        start[d] = s;
        end[d] = e;
        weight[d] = w;
      }
      return new Weights(start, end, weight);
    }
  }
}
