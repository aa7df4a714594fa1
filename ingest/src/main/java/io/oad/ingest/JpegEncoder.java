package io.oad.ingest;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Resizes an image to the requested size (bilinear) and encodes it as JPEG at a fixed quality.
 * Holds one reusable ImageIO writer, so it is not thread-safe: one per stream.
 */
final class JpegEncoder implements AutoCloseable {
  private final int width;
  private final int height;
  private final ImageWriter writer;
  private final ImageWriteParam param;
  private BufferedImage scaled;

  /**
   * @param width output width, 0 keeps the input's
   * @param height output height, 0 keeps the input's
   * @param quality JPEG quality 1..100
   */
  JpegEncoder(int width, int height, int quality) {
    if (width < 0 || height < 0 || quality < 1 || quality > 100) {
      throw new IllegalArgumentException(
          "bad encoder settings " + width + "x" + height + " quality " + quality);
    }
    this.width = width;
    this.height = height;
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IllegalStateException("no JPEG writer in this JVM's ImageIO");
    }
    this.writer = writers.next();
    this.param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality / 100f);
  }

  EncodedFrame encode(BufferedImage image) {
    BufferedImage out = resize(image);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(out, null, null), param);
      writer.reset();
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG encoding failed", e);
    }
    return new EncodedFrame(bytes.toByteArray(), out.getWidth(), out.getHeight());
  }

  private BufferedImage resize(BufferedImage image) {
    int w = width > 0 ? width : image.getWidth();
    int h = height > 0 ? height : image.getHeight();
    if (w == image.getWidth() && h == image.getHeight()) {
      return image;
    }
    if (scaled == null || scaled.getWidth() != w || scaled.getHeight() != h) {
      scaled = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    }
    Graphics2D g = scaled.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return scaled;
  }

  @Override
  public void close() {
    writer.dispose();
  }
}
