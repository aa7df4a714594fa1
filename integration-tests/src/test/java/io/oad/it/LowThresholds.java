package io.oad.it;

import io.oad.topology.DetectConfig;
import java.util.Map;

/**
 * Event rules for the untrained models of the drills: an untrained OadTR is far from confident, so
 * the start and end thresholds are low enough that actions start and end, and the action events can
 * be checked against the predictions ({@link StreamChecks#assertActionEventsFollowPredictions}).
 */
final class LowThresholds {
  private LowThresholds() {}

  /** The same rules as environment variables of an {@code oad detect} process. */
  static final Map<String, String> ENV =
      Map.of(
          "OAD_DETECT_EVENT_START_THRESHOLD", "0.12",
          "OAD_DETECT_EVENT_END_THRESHOLD", "0.1",
          "OAD_DETECT_EVENT_MIN_DURATION_STEPS", "1",
          "OAD_DETECT_EVENT_COOLDOWN_MS", "0");

  /** The rules on top of {@code builder}. */
  static DetectConfig.Builder apply(DetectConfig.Builder builder) {
    return builder
        .property(DetectConfig.START_THRESHOLD_CONFIG, 0.12)
        .property(DetectConfig.END_THRESHOLD_CONFIG, 0.1)
        .property(DetectConfig.MIN_DURATION_STEPS_CONFIG, 1)
        .property(DetectConfig.COOLDOWN_MS_CONFIG, 0);
  }

  /** The rules alone, to replay predictions. */
  static DetectConfig rules() {
    return apply(DetectConfig.builder()).build();
  }

  /** {@code env} plus the rules. */
  static Map<String, String> with(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putAll(ENV);
    return all;
  }
}
