package io.oad.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CaptureTimesTest {
  private static final long NOW = 1_780_000_000_000L;

  @Test
  void shouldAcceptCaptureTimesUpToTheToleranceAheadOfTheClock() {
    assertNull(CaptureTimes.violation(NOW, NOW, 60_000));
    assertNull(CaptureTimes.violation(NOW + 60_000, NOW, 60_000));
    assertNull(CaptureTimes.violation(0, NOW, 60_000), "old frames (replays) are not refused");
  }

  @Test
  void shouldRefuseFutureNegativeAndAbsurdCaptureTimes() {
    String ahead = CaptureTimes.violation(NOW + 3_600_000, NOW, 60_000);
    assertTrue(ahead.contains("ahead of clock"), ahead);
    assertTrue(ahead.contains("3600000 ms"), ahead);
    String max = CaptureTimes.violation(Long.MAX_VALUE, NOW, 60_000);
    assertTrue(max.contains("ahead of clock"), max);
    String negative = CaptureTimes.violation(-1, NOW, 60_000);
    assertTrue(negative.contains("negative"), negative);
    String min = CaptureTimes.violation(Long.MIN_VALUE, NOW, Long.MAX_VALUE);
    assertTrue(min.contains("negative"), min);
  }

  @Test
  void shouldSaturateInsteadOfOverflowing() {
    assertEquals(Long.MAX_VALUE, CaptureTimes.plus(Long.MAX_VALUE - 5, 10));
    assertEquals(Long.MIN_VALUE, CaptureTimes.plus(Long.MIN_VALUE + 5, -10));
    assertEquals(15, CaptureTimes.plus(5, 10));
    assertEquals(Long.MAX_VALUE, CaptureTimes.minus(Long.MAX_VALUE, -1));
    assertEquals(Long.MIN_VALUE, CaptureTimes.minus(Long.MIN_VALUE, 1));
    assertEquals(Long.MIN_VALUE, CaptureTimes.minus(-10, Long.MAX_VALUE));
    assertEquals(-5, CaptureTimes.minus(5, 10));
  }
}
