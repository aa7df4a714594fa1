package io.oad.topology.internal;

/**
 * Mutable state of one action on one camera, owned by {@link EpisodeTracker} and stored through
 * {@link CameraEpisodes}. Times are capture times in epoch ms; {@link #NONE} marks an unset time.
 */
final class ActionEpisode {
  static final long NONE = Long.MIN_VALUE;

  /** Whether ACTION_STARTED was emitted and ACTION_ENDED not yet. */
  boolean active;

  /** Consecutive steps above the start threshold while inactive. */
  int run;

  /** Capture time of the first step of that run. */
  long runStartMs = NONE;

  /** Highest score of the run or of the active episode. */
  double peak;

  /** Capture time the active episode started (its first step above the threshold). */
  long startMs = NONE;

  /** Capture time the last episode ended, for the cooldown. */
  long lastEndMs = NONE;

  /** Until when (capture time) an anticipation of this action holds; NONE when there is none. */
  long anticipatedUntilMs = NONE;

  /** Whether nothing about this action needs remembering at capture time {@code t}. */
  boolean idle(long t, long cooldownMs) {
    return !active
        && run == 0
        && (anticipatedUntilMs == NONE || t > anticipatedUntilMs)
        && (lastEndMs == NONE || io.oad.contract.CaptureTimes.minus(t, lastEndMs) >= cooldownMs);
  }
}
