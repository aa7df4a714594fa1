package io.oad.topology;

/**
 * How the detector batches predictions across the cameras (and tasks) of one stream thread. A step
 * to predict waits until {@code maxBatch} steps are pending on the thread or the oldest has waited
 * {@code maxWaitMs} of wall-clock time, whichever comes first; then all of them are scored in one
 * model call. {@code maxBatch = 1} or {@code maxWaitMs = 0} scores every step at once, alone (batch
 * 1, no added latency).
 *
 * @param maxBatch most steps scored in one model call, >= 1
 * @param maxWaitMs longest a step waits for a batch to fill, >= 0
 */
public record DetectBatching(int maxBatch, long maxWaitMs) {
  /** Largest accepted batch. */
  public static final int MAX_BATCH = 4096;

  /** Longest accepted wait. */
  public static final long MAX_WAIT_MS = 60_000L;

  /** Validates the fields. */
  public DetectBatching {
    if (maxBatch < 1 || maxBatch > MAX_BATCH) {
      throw new IllegalArgumentException(
          "maxBatch must be in [1, " + MAX_BATCH + "], got " + maxBatch);
    }
    if (maxWaitMs < 0 || maxWaitMs > MAX_WAIT_MS) {
      throw new IllegalArgumentException(
          "maxWaitMs must be in [0, " + MAX_WAIT_MS + "], got " + maxWaitMs);
    }
  }

  /** Batches of up to 32 steps, waiting at most 20 ms. */
  public static DetectBatching defaults() {
    return new DetectBatching(32, 20L);
  }

  /** Every step scored alone as soon as it is due (the behaviour without batching). */
  public static DetectBatching off() {
    return new DetectBatching(1, 0L);
  }

  /** Whether steps may wait for others: a batch above 1 and a wait above 0. */
  public boolean enabled() {
    return maxBatch > 1 && maxWaitMs > 0;
  }
}
