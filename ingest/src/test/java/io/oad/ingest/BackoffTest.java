package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void shouldDoubleUpToTheCapWithJitterInTheUpperHalf() {
    Backoff backoff = new Backoff(500, 4_000, new SplittableRandom(7));
    long[] ceilings = {500, 1_000, 2_000, 4_000, 4_000, 4_000};
    for (long ceiling : ceilings) {
      long d = backoff.nextDelayMs();
      assertTrue(
          d >= ceiling / 2 && d <= ceiling, d + " not in [" + ceiling / 2 + ", " + ceiling + "]");
    }
  }

  @Test
  void shouldJitterSoCamerasDoNotReconnectInLockstep() {
    Set<Long> delays = new HashSet<>();
    SplittableRandom seeds = new SplittableRandom(1);
    for (int camera = 0; camera < 20; camera++) {
      delays.add(new Backoff(1_000, 30_000, seeds.split()).nextDelayMs());
    }
    assertTrue(delays.size() > 10, "20 cameras drew only " + delays.size() + " distinct delays");
  }

  @Test
  void shouldStartAfreshAfterReset() {
    Backoff backoff = new Backoff(100, 10_000, new SplittableRandom(3));
    for (int i = 0; i < 10; i++) {
      backoff.nextDelayMs();
    }
    assertTrue(backoff.nextDelayMs() >= 5_000, "capped after many failures");
    backoff.reset();
    assertTrue(backoff.nextDelayMs() <= 100, "first delay again after a good connection");
  }

  @Test
  void shouldNeverOverflowWhenFailingForever() {
    Backoff backoff = new Backoff(2, Long.MAX_VALUE, new SplittableRandom(5));
    for (int i = 0; i < 200; i++) {
      assertTrue(backoff.nextDelayMs() > 0);
    }
    assertEquals(Long.MAX_VALUE, backoff.ceilingMs(1_000));
  }

  @Test
  void shouldRejectBadBounds() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10, new SplittableRandom()));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5, new SplittableRandom()));
  }
}
