package io.oad.training.backbone;

import io.oad.extractor.FrameInput;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * A trivially separable synthetic action set for tests: class 0 is an empty noisy scene, class 1 a
 * bright square moving up, class 2 the same square moving down. Only the motion stream can tell 1
 * from 2 (the current frames look alike); a horizontal flip keeps every label.
 */
final class MovingSquares {
  static final int WIDTH = 64;
  static final int HEIGHT = 48;
  static final int CLASSES = 3;
  private static final int SIDE = 12;
  private static final int STEP = 5;

  private MovingSquares() {}

  /** One labelled frame pair; {@code label} in 0..2. */
  static FrameInput frame(int label, Random random) {
    int x = random.nextInt(WIDTH - SIDE);
    int y = STEP + random.nextInt(HEIGHT - SIDE - 2 * STEP);
    Color colour = Color.getHSBColor(random.nextFloat(), 0.7f, 1f);
    int dy = label == 1 ? -STEP : STEP;
    long noise = random.nextLong();
    BufferedImage previous = scene(noise, label == 0 ? null : colour, x, y - dy);
    BufferedImage current = scene(noise + 1, label == 0 ? null : colour, x, y);
    return new FrameInput(current, previous);
  }

  private static BufferedImage scene(long seed, Color colour, int x, int y) {
    Random noise = new Random(seed);
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    for (int py = 0; py < HEIGHT; py++) {
      for (int px = 0; px < WIDTH; px++) {
        int v = 40 + noise.nextInt(12);
        image.setRGB(px, py, new Color(v, v, v + 5).getRGB());
      }
    }
    if (colour != null) {
      Graphics2D g = image.createGraphics();
      g.setColor(colour);
      g.fillRect(x, y, SIDE, SIDE);
      g.dispose();
    }
    return image;
  }
}
