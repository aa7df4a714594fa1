package io.oad.topology;

/**
 * When predictions become events (see {@code README-section.md} for the exact rules).
 *
 * @param startThreshold an action starts after its score exceeds this for {@code minDurationSteps}
 *     consecutive steps
 * @param endThreshold an active action ends at the first step whose score is below this; at most
 *     {@code startThreshold} (the band between them is the hysteresis)
 * @param minDurationSteps consecutive steps above {@code startThreshold} needed to start, >= 1
 * @param cooldownMs capture time after an action ended during which the same action cannot start
 *     again on that camera
 * @param anticipationThreshold a future step predicting an inactive action with at least this score
 *     raises one anticipation event per episode
 * @param cameraOfflineMs wall-clock silence after which a camera is reported offline
 */
public record EventRules(
    double startThreshold,
    double endThreshold,
    int minDurationSteps,
    long cooldownMs,
    double anticipationThreshold,
    long cameraOfflineMs) {
  /** Validates the fields and their relations. */
  public EventRules {
    requireProbability(startThreshold, "startThreshold");
    requireProbability(endThreshold, "endThreshold");
    requireProbability(anticipationThreshold, "anticipationThreshold");
    if (endThreshold > startThreshold) {
      throw new IllegalArgumentException(
          "endThreshold "
              + endThreshold
              + " must not exceed startThreshold "
              + startThreshold
              + " (hysteresis)");
    }
    if (minDurationSteps < 1) {
      throw new IllegalArgumentException("minDurationSteps must be >= 1, got " + minDurationSteps);
    }
    if (cooldownMs < 0) {
      throw new IllegalArgumentException("cooldownMs must be >= 0, got " + cooldownMs);
    }
    if (cameraOfflineMs < 1) {
      throw new IllegalArgumentException("cameraOfflineMs must be >= 1, got " + cameraOfflineMs);
    }
  }

  /** Start 0.6, end 0.4, 2 steps, 2 s cooldown, anticipation 0.6, offline after 10 s. */
  public static EventRules defaults() {
    return new EventRules(0.6, 0.4, 2, 2_000L, 0.6, 10_000L);
  }

  private static void requireProbability(double p, String what) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(what + " must be in [0, 1], got " + p);
    }
  }
}
