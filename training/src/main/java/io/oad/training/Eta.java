package io.oad.training;

import java.util.Locale;

/** The remaining time of a loop of equal steps, for the per-epoch log lines of the trainers. */
public final class Eta {
  private Eta() {}

  /**
   * {@code "ETA m:ss"}: the mean time of the {@code done} steps so far times the steps left.
   *
   * @param startNanos {@link System#nanoTime()} when the first step began
   */
  public static String after(long startNanos, int done, int total) {
    if (done <= 0) {
      return "ETA ?";
    }
    long seconds =
        Math.round((System.nanoTime() - startNanos) / 1e9 / done * Math.max(0, total - done));
    return String.format(Locale.ROOT, "ETA %d:%02d", seconds / 60, seconds % 60);
  }
}
