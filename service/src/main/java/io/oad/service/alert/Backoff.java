package io.oad.service.alert;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter between delivery attempts: before attempt {@code n + 1} (after
 * {@code n} failed ones) the base delay is {@code initial * 2^(n-1)}, capped at {@code max}; the
 * delay drawn is uniform in {@code [base/2, base]} ("equal jitter", never zero, so that many
 * failing events do not retry in lock step). A receiver's {@code Retry-After} is honoured: the
 * delay is then at least that long, capped at {@link #MAX_RETRY_AFTER}.
 */
public final class Backoff {
  /** Longest {@code Retry-After} honoured; a receiver asking for more gets retried after this. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  private final long initialMs;
  private final long maxMs;
  private final RandomGenerator random;

  /**
   * @param initial base delay after the first failed attempt, positive
   * @param max largest base delay, at least {@code initial}
   * @param random the jitter's source
   */
  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initialMs = initial.toMillis();
    this.maxMs = max.toMillis();
    if (initialMs <= 0 || maxMs < initialMs) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, got initial " + initial + ", max " + max);
    }
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The base delay (before jitter) after {@code failedAttempts} failed attempts (1, 2, ...). */
  public long baseMs(int failedAttempts) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("failedAttempts must be >= 1, got " + failedAttempts);
    }
    int shift = Math.min(failedAttempts - 1, 62);
    long base = initialMs << shift;
    return base <= 0 || base >> shift != initialMs ? maxMs : Math.min(base, maxMs);
  }

  /**
   * How long to wait after {@code failedAttempts} failed attempts.
   *
   * @param retryAfter the receiver's {@code Retry-After}, or {@code null}
   */
  public Duration delay(int failedAttempts, Duration retryAfter) {
    long base = baseMs(failedAttempts);
    long half = base / 2;
    long ms = half + (base - half == 0 ? 0 : random.nextLong(base - half + 1));
    if (retryAfter != null && !retryAfter.isNegative()) {
      ms = Math.max(ms, Math.min(retryAfter.toMillis(), MAX_RETRY_AFTER.toMillis()));
    }
    return Duration.ofMillis(ms);
  }
}
