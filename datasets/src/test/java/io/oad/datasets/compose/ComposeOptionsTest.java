package io.oad.datasets.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ComposeOptionsTest {
  @Test
  void shouldDefaultToTheReadmeLayout() {
    ComposeOptions o = ComposeOptions.defaults();
    assertEquals(0.6, o.gapProbability());
    assertEquals(1.0, o.minGapSeconds());
    assertEquals(4.0, o.maxGapSeconds());
    assertEquals(StreamCodec.MJPEG, o.codec());
    assertEquals(1, o.streamsPerSubject());
  }

  @Test
  void shouldRejectBadValuesNamingThem() {
    IllegalArgumentException p =
        assertThrows(
            IllegalArgumentException.class,
            () -> ComposeOptions.builder().optGapProbability(1.5).build());
    assertTrue(p.getMessage().contains("gapProbability"));
    IllegalArgumentException g =
        assertThrows(
            IllegalArgumentException.class,
            () -> ComposeOptions.builder().optGapSeconds(3, 2).build());
    assertTrue(g.getMessage().contains("minGapSeconds"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ComposeOptions.builder().optStreamsPerSubject(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> ComposeOptions.builder().optCodec(null).build());
  }
}
