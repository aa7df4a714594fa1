package io.oad.extractor;

import java.awt.image.BufferedImage;

/**
 * Turns a {@link FrameInput} into the {@link FrameTensor} of a given size: both frames are
 * area-averaged to {@code width x height} (so any input size works and down-scaling does not
 * alias), the current one is normalised per channel and the motion plane is the signed change of
 * grey level between them. Deterministic and stateless.
 */
public final class FrameTensors {
  private static final float MEAN = 0.5f;
  private static final float STD = 0.25f;
  private static final float MOTION_SCALE = 4f;

  private final int width;
  private final int height;

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
    float[] current = resize(frame.current());
    int plane = planeSize();
    float[] rgb = new float[3 * plane];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (current[i] / 255f - MEAN) / STD;
    }
    float[] motion = new float[plane];
    if (frame.previous() != null) {
      float[] previous = resize(frame.previous());
      for (int i = 0; i < plane; i++) {
        float change = grey(current, i, plane) - grey(previous, i, plane);
        motion[i] = change / 255f * MOTION_SCALE;
      }
    }
    return new FrameTensor(rgb, motion);
  }

  private static float grey(float[] planes, int i, int plane) {
    return 0.299f * planes[i] + 0.587f * planes[plane + i] + 0.114f * planes[2 * plane + i];
  }

  /** Area-averages an image to planar RGB values 0..255 of the output size. */
  float[] resize(BufferedImage image) {
    int sw = image.getWidth();
    int sh = image.getHeight();
    int[] argb = image.getRGB(0, 0, sw, sh, null, 0, sw);
    Weights horizontal = Weights.of(sw, width);
    Weights vertical = Weights.of(sh, height);
    // horizontal pass: sh rows x width columns x 3 channels
    float[] rows = new float[sh * width * 3];
    for (int y = 0; y < sh; y++) {
      for (int x = 0; x < width; x++) {
        float r = 0;
        float g = 0;
        float b = 0;
        for (int k = horizontal.start[x]; k < horizontal.end[x]; k++) {
          int p = argb[y * sw + k];
          float w = horizontal.weight[x][k - horizontal.start[x]];
          r += w * ((p >> 16) & 0xFF);
          g += w * ((p >> 8) & 0xFF);
          b += w * (p & 0xFF);
        }
        int o = (y * width + x) * 3;
        rows[o] = r;
        rows[o + 1] = g;
        rows[o + 2] = b;
      }
    }
    int plane = planeSize();
    float[] out = new float[3 * plane];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        float r = 0;
        float g = 0;
        float b = 0;
        for (int k = vertical.start[y]; k < vertical.end[y]; k++) {
          float w = vertical.weight[y][k - vertical.start[y]];
          int o = (k * width + x) * 3;
          r += w * rows[o];
          g += w * rows[o + 1];
          b += w * rows[o + 2];
        }
        int i = y * width + x;
        out[i] = r;
        out[plane + i] = g;
        out[2 * plane + i] = b;
      }
    }
    return out;
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
