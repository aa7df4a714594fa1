package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameSamplerTest {
  private static List<Long> kept(double sourceFps, double targetFps, int frames) {
    FrameSampler sampler = new FrameSampler(targetFps);
    List<Long> kept = new ArrayList<>();
    for (int k = 0; k < frames; k++) {
      long t = Math.round(k * 1_000_000.0 / sourceFps);
      if (sampler.accept(t)) {
        kept.add(t);
      }
    }
    return kept;
  }

  @Test
  void shouldKeepTheFirstFrameAtOrAfterEachInstant() {
    // 25 fps = 40 ms grid; instants every 250 ms -> 0, 280, 520, 760, 1000 ms
    assertEquals(List.of(0L, 280_000L, 520_000L, 760_000L, 1_000_000L), kept(25, 4, 26));
  }

  @Test
  void shouldKeepFloorOfDurationTimesRatePlusOne() {
    for (int frames : new int[] {1, 7, 25, 84, 101}) {
      long expected = (long) Math.floor((frames - 1) * 4.0 / 25) + 1;
      assertEquals(expected, kept(25, 4, frames).size(), frames + " frames");
    }
    assertEquals(30 * 4, kept(30, 4, 30 * 30).size(), "30 s of 30 fps");
  }

  @Test
  void shouldKeepEveryFrameOfASlowerSourceWithoutMakingUpMissedInstants() {
    // 2 fps source, 4 fps target: every frame is kept, never twice
    assertEquals(10, kept(2, 4, 10).size());
    FrameSampler sampler = new FrameSampler(4);
    assertTrue(sampler.accept(0));
    assertTrue(sampler.accept(2_000_000), "a gap of 2 s is not back-filled");
    assertFalse(sampler.accept(2_100_000));
    assertTrue(sampler.accept(2_250_000));
  }

  @Test
  void shouldDropFramesGoingBackInTime() {
    FrameSampler sampler = new FrameSampler(4);
    assertTrue(sampler.accept(500_000));
    assertFalse(sampler.accept(100_000));
  }

  @Test
  void shouldRejectANonPositiveRate() {
    assertThrows(IllegalArgumentException.class, () -> new FrameSampler(0));
    assertThrows(IllegalArgumentException.class, () -> new FrameSampler(Double.NaN));
  }
}
