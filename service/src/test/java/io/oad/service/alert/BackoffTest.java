package io.oad.service.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(42));

  @Test
  void shouldDoubleTheBaseDelayUpToTheCap() {
    assertEquals(100, backoff.baseMs(1));
    assertEquals(200, backoff.baseMs(2));
    assertEquals(400, backoff.baseMs(3));
    assertEquals(3200, backoff.baseMs(6));
    assertEquals(5000, backoff.baseMs(7));
    assertEquals(5000, backoff.baseMs(70), "no overflow for many attempts");
    assertEquals(5000, backoff.baseMs(Integer.MAX_VALUE));
  }

  @Test
  void shouldJitterBetweenHalfAndTheWholeBaseDelay() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      long ms = backoff.delay(3, null).toMillis();
      assertTrue(ms >= 200 && ms <= 400, "delay " + ms + " outside [200, 400]");
      seen.add(ms);
    }
    assertTrue(seen.size() > 50, "jitter spreads the retries: " + seen.size() + " values");
    for (int i = 0; i < 100; i++) {
      long ms = backoff.delay(40, null).toMillis();
      assertTrue(ms >= 2500 && ms <= 5000, "capped delay " + ms);
    }
  }

  @Test
  void shouldWaitAtLeastTheReceiversRetryAfterButNotForever() {
    assertTrue(backoff.delay(1, Duration.ofSeconds(3)).toMillis() >= 3000);
    assertEquals(
        Backoff.MAX_RETRY_AFTER, backoff.delay(1, Duration.ofDays(2)), "a huge Retry-After is cut");
    long ms = backoff.delay(2, Duration.ofMillis(1)).toMillis();
    assertTrue(ms >= 100 && ms <= 200, "a short Retry-After does not shorten the backoff: " + ms);
  }

  @Test
  void shouldRefuseNonsense() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new Random()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()));
    assertThrows(IllegalArgumentException.class, () -> backoff.baseMs(0));
  }
}
