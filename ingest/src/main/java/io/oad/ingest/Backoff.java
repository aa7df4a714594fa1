package io.oad.ingest;

import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential, capped, with jitter, and reset after a good connection.
 *
 * <p>Attempt {@code n} (0-based) waits a random time in {@code [d/2, d]} with {@code d = min(max,
 * first * 2^n)}: the jitter keeps many cameras that lost the same server from reconnecting in
 * lockstep, and the lower half bound keeps the delay from collapsing to zero. Not thread-safe (one
 * per camera worker).
 */
final class Backoff {
  private final long firstMs;
  private final long maxMs;
  private final RandomGenerator random;
  private int attempt;

  /**
   * @param firstMs the first delay's upper bound, > 0
   * @param maxMs the cap of every delay's upper bound, >= firstMs
   * @param random source of the jitter
   */
  Backoff(long firstMs, long maxMs, RandomGenerator random) {
    if (firstMs <= 0 || maxMs < firstMs) {
      throw new IllegalArgumentException(
          "backoff needs 0 < firstMs <= maxMs, got " + firstMs + " and " + maxMs);
    }
    this.firstMs = firstMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** The next delay in milliseconds; every call counts as one more failed attempt. */
  long nextDelayMs() {
    long ceiling = ceilingMs(attempt);
    if (attempt < 62) {
      attempt++;
    }
    long floor = ceiling / 2;
    return floor + random.nextLong(ceiling - floor + 1);
  }

  /** Starts again from the first delay (after a connection that delivered frames). */
  void reset() {
    attempt = 0;
  }

  /** The upper bound of attempt {@code n}'s delay. */
  long ceilingMs(int n) {
    long d = firstMs;
    for (int i = 0; i < n && d < maxMs; i++) {
      d = d > maxMs / 2 ? maxMs : d * 2; // no overflow near Long.MAX_VALUE
    }
    return d;
  }
}
