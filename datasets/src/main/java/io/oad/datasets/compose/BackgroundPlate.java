package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A subject's empty-scene plate, rendered as gap frames that look like a live camera: Gaussian
 * sensor noise on every pixel of every frame and a brightness gain set by the caller, so that no
 * two gap frames are identical.
 */
final class BackgroundPlate {
  private final byte[] bgr;
  private final int width;
  private final int height;

  private BackgroundPlate(byte[] bgr, int width, int height) {
    this.bgr = bgr;
    this.width = width;
    this.height = height;
  }

  /** Loads a PNG (any colour model) as BGR. */
  static BackgroundPlate load(Path png) {
    BufferedImage image;
    try {
      image = ImageIO.read(png.toFile());
    } catch (IOException e) {
      throw new IngestException("cannot read background plate " + png + ": " + e.getMessage(), e);
    }
    if (image == null) {
      throw new IngestException("background plate " + png + " is not a readable image");
    }
    BufferedImage bgr =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = bgr.createGraphics();
    try {
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return new BackgroundPlate(
        ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData().clone(),
        image.getWidth(),
        image.getHeight());
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  /**
   * Writes one gap frame into {@code target} (a {@code TYPE_3BYTE_BGR} image of the plate's size):
   * {@code clamp(plate * gain + N(0, sigma))} per byte.
   */
  void render(BufferedImage target, double gain, double sigma, Random noise) {
    byte[] out = ((DataBufferByte) target.getRaster().getDataBuffer()).getData();
    if (out.length != bgr.length) {
      throw new IllegalArgumentException("target image is not the plate's size");
    }
    for (int i = 0; i < bgr.length; i++) {
      double v = (bgr[i] & 0xFF) * gain + noise.nextGaussian() * sigma;
      out[i] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
    }
  }
}
