package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class PooledPixelBackboneTest {
  private static final List<BufferedImage> BATCH =
      List.of(
          TestFrames.scene(320, 240, 1),
          TestFrames.scene(160, 120, 2),
          TestFrames.scene(33, 17, 3),
          TestFrames.scene(8, 6, 4));

  @Test
  void shouldReturnOneFiniteRowOfTheConfiguredDimensionPerImage() {
    try (PooledPixelBackbone backbone = new PooledPixelBackbone(64, 7)) {
      float[][] rows = backbone.embed(BATCH);
      assertEquals(BATCH.size(), rows.length);
      for (float[] row : rows) {
        assertEquals(64, row.length);
        double norm = 0;
        for (float v : row) {
          assertTrue(Float.isFinite(v), "non-finite value " + v);
          norm += v * v;
        }
        assertTrue(norm > 0, "all-zero embedding");
      }
      assertEquals("pooled-pixels-rp-v1-d64-s7", backbone.id());
      assertEquals(64, backbone.dimension());
    }
  }

  @Test
  void shouldBeDeterministicAcrossInstancesWithTheSameSeed() {
    float[][] first;
    float[][] second;
    try (PooledPixelBackbone backbone = new PooledPixelBackbone()) {
      first = backbone.embed(BATCH);
    }
    try (PooledPixelBackbone backbone = new PooledPixelBackbone()) {
      second = backbone.embed(BATCH);
    }
    for (int i = 0; i < first.length; i++) {
      assertArrayEquals(first[i], second[i], "row " + i);
    }
  }

  @Test
  void shouldEmbedAnImageTheSameAloneAndInABatch() {
    try (PooledPixelBackbone backbone = new PooledPixelBackbone()) {
      float[][] batch = backbone.embed(BATCH);
      float[][] alone = backbone.embed(List.of(BATCH.get(1)));
      assertArrayEquals(batch[1], alone[0], 1e-4f);
    }
  }

  @Test
  void shouldGiveDifferentImagesDistantEmbeddings() {
    try (PooledPixelBackbone backbone = new PooledPixelBackbone()) {
      float[][] rows =
          backbone.embed(
              List.of(
                  TestFrames.scene(320, 240, 10),
                  TestFrames.scene(320, 240, 11),
                  TestFrames.scene(320, 240, 10)));
      double different = distance(rows[0], rows[1]);
      assertTrue(different > 1.0, "different scenes only " + different + " apart");
      assertEquals(0.0, distance(rows[0], rows[2]), 1e-6);
    }
  }

  @Test
  void shouldGiveDifferentSeedsDifferentProjections() {
    try (PooledPixelBackbone a = new PooledPixelBackbone(32, 1);
        PooledPixelBackbone b = new PooledPixelBackbone(32, 2)) {
      assertNotEquals(a.id(), b.id());
      assertTrue(distance(a.embed(BATCH)[0], b.embed(BATCH)[0]) > 1.0);
    }
  }

  @Test
  void shouldRefuseBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new PooledPixelBackbone(0, 1));
    try (PooledPixelBackbone backbone = new PooledPixelBackbone(8, 1)) {
      assertThrows(IllegalArgumentException.class, () -> backbone.embed(List.of()));
    }
  }

  static double distance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }
}
