package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

/**
 * Measures frames per second of decode + {@link PooledPixelBackbone} at batch 1 and 16 on 320x240
 * JPEGs, and of decode + {@link TwoStreamBackbone} (with previous frames) on ingest's 160x120
 * JPEGs, and prints them. Kept short (about a second per setting); the assertion is only a sanity
 * floor so that a pathological slowdown fails the build.
 */
class BackboneThroughputTest {
  private static final int WIDTH = 320;
  private static final int HEIGHT = 240;

  @Test
  void shouldDecodeAndEmbedFastEnoughAtBatchOneAndSixteen() throws BadFrameException {
    List<byte[]> jpegs = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      jpegs.add(TestFrames.jpeg(TestFrames.scene(WIDTH, HEIGHT, 100 + i)));
    }
    Headers headers = TestFrames.headers(0, WIDTH, HEIGHT);
    try (FrameDecoder decoder = new FrameDecoder();
        PooledPixelBackbone backbone = new PooledPixelBackbone()) {
      for (int batch : new int[] {1, 16}) {
        run(decoder, backbone, jpegs, headers, batch, 200_000_000L); // warm-up
        double fps = run(decoder, backbone, jpegs, headers, batch, 1_000_000_000L);
        System.out.printf(
            "decode + %s, %dx%d JPEG, batch %2d: %.0f frames/s%n",
            backbone.id(), WIDTH, HEIGHT, batch, fps);
        assertTrue(fps > 20, "only " + fps + " frames/s at batch " + batch);
      }
    }
  }

  @Test
  void shouldDecodeAndEmbedTwoStreamFramesFastEnough() throws BadFrameException {
    int width = 160;
    int height = 120;
    List<byte[]> jpegs = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      jpegs.add(TestFrames.jpeg(TestFrames.scene(width, height, 100 + i)));
    }
    PreviousFrames previous = new PreviousFrames();
    try (FrameDecoder decoder = new FrameDecoder();
        TwoStreamBackbone backbone = TwoStreamBackbone.untrained(TwoStreamConfig.defaults(), 1)) {
      for (int batch : new int[] {1, 16}) {
        double fps = 0;
        for (long budget : new long[] {200_000_000L, 1_000_000_000L}) { // warm-up, then measure
          long start = System.nanoTime();
          long frames = 0;
          while (System.nanoTime() - start < budget) {
            List<FrameInput> inputs = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
              long sequence = frames + i;
              Headers headers = TestFrames.headers(sequence, width, height);
              BufferedImage image =
                  decoder.decode(jpegs.get((int) (sequence % jpegs.size())), headers);
              inputs.add(previous.next("cam", sequence, image));
            }
            backbone.embedFrames(inputs);
            frames += batch;
          }
          fps = frames / ((System.nanoTime() - start) / 1e9);
        }
        System.out.printf(
            "decode + %s, %dx%d JPEG, batch %2d: %.0f frames/s%n",
            backbone.id(), width, height, batch, fps);
        assertTrue(fps > 10, "only " + fps + " frames/s at batch " + batch);
      }
    }
  }

  private static double run(
      FrameDecoder decoder,
      Backbone backbone,
      List<byte[]> jpegs,
      Headers headers,
      int batch,
      long budgetNanos)
      throws BadFrameException {
    long start = System.nanoTime();
    long frames = 0;
    int next = 0;
    while (System.nanoTime() - start < budgetNanos) {
      List<BufferedImage> images = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        images.add(decoder.decode(jpegs.get(next++ % jpegs.size()), headers));
      }
      backbone.embed(images);
      frames += batch;
    }
    return frames / ((System.nanoTime() - start) / 1e9);
  }
}
