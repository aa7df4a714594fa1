package io.oad.extractor;

import io.oad.contract.FrameHeaders;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Synthetic frames for tests: a seeded scene of coloured shapes over a gradient, and its JPEG. */
public final class TestFrames {
  private TestFrames() {}

  /** A reproducible scene; different seeds give visibly different scenes. */
  public static BufferedImage scene(int width, int height, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    try {
      for (int y = 0; y < height; y++) {
        g.setColor(new Color(random.nextInt(40), (y * 200) / height, 60 + random.nextInt(40)));
        g.drawLine(0, y, width, y);
      }
      for (int i = 0; i < 6; i++) {
        g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
        g.fillOval(
            random.nextInt(width),
            random.nextInt(height),
            width / 8 + random.nextInt(width / 3),
            height / 8 + random.nextInt(height / 3));
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  public static byte[] jpeg(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "jpeg", out)) {
        throw new IllegalStateException("no JPEG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Headers as ingest writes them. */
  public static Headers headers(long sequence, long width, long height) {
    Headers headers = new RecordHeaders();
    FrameHeaders.putLong(headers, FrameHeaders.SEQUENCE, sequence);
    FrameHeaders.putLong(headers, FrameHeaders.WIDTH, width);
    FrameHeaders.putLong(headers, FrameHeaders.HEIGHT, height);
    FrameHeaders.putString(headers, FrameHeaders.CONTENT_TYPE, FrameHeaders.JPEG);
    return headers;
  }
}
