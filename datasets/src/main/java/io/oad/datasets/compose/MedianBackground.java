package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The empty scene of a group of clips filmed by one camera, when no background image exists: the
 * per-pixel temporal median of frames sampled evenly from all of the group's clips. A person who
 * moves through the scene covers each pixel in only a minority of the frames, so the median is the
 * scene without them.
 */
final class MedianBackground {
  /** Frames sampled per group: enough for a stable median, few enough for memory at 640x480. */
  static final int SAMPLES = 64;

  private MedianBackground() {}

  /**
   * Writes the median of {@code clips}' frames, resized to {@code width x height}, as a PNG.
   *
   * @throws IngestException naming the clip that cannot be decoded or the PNG that cannot be
   *     written
   */
  static void write(List<Clip> clips, int width, int height, Path png) {
    long total = clips.stream().mapToLong(Clip::frames).sum();
    long stride = Math.max(1, total / SAMPLES);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    List<byte[]> samples = new ArrayList<>();
    long[] index = {0};
    for (Clip clip : clips) {
      ClipFrames.forEach(
          clip.path(),
          image,
          frame -> {
            if (index[0]++ % stride == 0 && samples.size() < 2 * SAMPLES) {
              samples.add(pixels.clone());
            }
          });
    }
    if (samples.isEmpty()) {
      throw new IngestException("no decodable frames in the clips for " + png);
    }
    byte[] median = new byte[pixels.length];
    int[] values = new int[samples.size()];
    for (int i = 0; i < median.length; i++) {
      for (int k = 0; k < values.length; k++) {
        values[k] = samples.get(k)[i] & 0xFF;
      }
      Arrays.sort(values);
      median[i] = (byte) values[values.length / 2];
    }
    System.arraycopy(median, 0, pixels, 0, median.length);
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      if (!ImageIO.write(image, "png", png.toFile())) {
        throw new IngestException("no PNG writer for " + png);
      }
    } catch (IOException e) {
      throw new IngestException("cannot write " + png + ": " + e.getMessage(), e);
    }
  }
}
