package io.oad.training.backbone;

import io.oad.extractor.FrameTensor;
import java.util.Random;

/**
 * The training-time augmentation of {@link BackboneTrainer}: one random horizontal flip and shift
 * applied identically to both streams (so motion stays aligned with appearance), then
 * brightness/contrast and per-channel colour jitter on the appearance stream, with the contrast
 * factor also applied to the motion stream. Returns new arrays; the sample is not changed.
 */
public final class Augmenter {
  private static final float MEAN = 0.5f;
  private static final float STD = 0.25f;
  private static final float COLOUR_SHARE = 0.25f;

  private final int width;
  private final int height;
  private final int maxShift;
  private final float jitter;

  Augmenter(int width, int height, BackboneTrainer.Options options) {
    this.width = width;
    this.height = height;
    this.maxShift = options.maxShift();
    this.jitter = options.jitter();
  }

  FrameTensor apply(FrameTensor t, Random random) {
    boolean flip = random.nextBoolean();
    int dx = maxShift == 0 ? 0 : random.nextInt(2 * maxShift + 1) - maxShift;
    int dy = maxShift == 0 ? 0 : random.nextInt(2 * maxShift + 1) - maxShift;
    float contrast = 1 + jitter * (2 * random.nextFloat() - 1);
    float brightness = jitter * 0.5f * (2 * random.nextFloat() - 1);
    int plane = width * height;
    float[] rgb = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      float colour = jitter * COLOUR_SHARE * (2 * random.nextFloat() - 1);
      move(t.rgb(), c * plane, rgb, flip, dx, dy);
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        float pixel = rgb[i] * STD + MEAN; // back to 0..1
        pixel = pixel * contrast * (1 + colour) + brightness;
        rgb[i] = (pixel - MEAN) / STD;
      }
    }
    float[] motion = new float[plane];
    move(t.motion(), 0, motion, flip, dx, dy);
    if (contrast != 1) {
      for (int i = 0; i < plane; i++) {
        motion[i] *= contrast;
      }
    }
    return new FrameTensor(rgb, motion);
  }

  /** Copies one plane flipped and shifted, repeating edge pixels where the shift uncovers. */
  private void move(float[] from, int offset, float[] to, boolean flip, int dx, int dy) {
    for (int y = 0; y < height; y++) {
      int sy = Math.min(height - 1, Math.max(0, y - dy));
      for (int x = 0; x < width; x++) {
        int sx = Math.min(width - 1, Math.max(0, x - dx));
        if (flip) {
          sx = width - 1 - sx;
        }
        to[offset + y * width + x] = from[offset + sy * width + sx];
      }
    }
  }
}
