package io.oad.topology;

import io.oad.contract.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What the topology reads and writes, and its time and event rules. {@link #defaults()} uses the
 * wire contract's topics and the defaults of {@link StepTiming} and {@link EventRules}.
 *
 * @param embeddingsTopic input topic of embeddings keyed by camera
 * @param predictionsTopic output topic of predictions keyed by camera
 * @param eventsTopic output topic of events keyed by camera
 * @param timing how frames map onto model steps
 * @param rules when predictions become events
 * @param batching how predictions are batched across cameras
 * @param limits bounds on capture times, state retention and record sizes
 */
public record TopologyOptions(
    String embeddingsTopic,
    String predictionsTopic,
    String eventsTopic,
    StepTiming timing,
    EventRules rules,
    DetectBatching batching,
    DetectLimits limits) {
  /** Validates the fields. */
  public TopologyOptions {
    requireName(embeddingsTopic, "embeddingsTopic");
    requireName(predictionsTopic, "predictionsTopic");
    requireName(eventsTopic, "eventsTopic");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(batching, "batching");
    Objects.requireNonNull(limits, "limits");
    if (limits.cameraRetentionMs() <= rules.cameraOfflineMs()) {
      throw new IllegalArgumentException(
          "camera retention "
              + limits.cameraRetentionMs()
              + " ms must exceed the camera offline time "
              + rules.cameraOfflineMs()
              + " ms");
    }
    if (new HashSet<>(List.of(embeddingsTopic, predictionsTopic, eventsTopic)).size() != 3) {
      throw new IllegalArgumentException(
          "input, predictions and events topics must all differ, got '"
              + embeddingsTopic
              + "', '"
              + predictionsTopic
              + "', '"
              + eventsTopic
              + "'");
    }
  }

  /** These topics, timing, rules and batching, with {@link DetectLimits#defaults()}. */
  public TopologyOptions(
      String embeddingsTopic,
      String predictionsTopic,
      String eventsTopic,
      StepTiming timing,
      EventRules rules,
      DetectBatching batching) {
    this(
        embeddingsTopic,
        predictionsTopic,
        eventsTopic,
        timing,
        rules,
        batching,
        DetectLimits.defaults());
  }

  /** These topics, timing and rules, with {@link DetectBatching#defaults()}. */
  public TopologyOptions(
      String embeddingsTopic,
      String predictionsTopic,
      String eventsTopic,
      StepTiming timing,
      EventRules rules) {
    this(embeddingsTopic, predictionsTopic, eventsTopic, timing, rules, DetectBatching.defaults());
  }

  /** These two topics, {@link Topics#EVENTS} and default timing, rules and batching. */
  public TopologyOptions(String embeddingsTopic, String predictionsTopic) {
    this(
        embeddingsTopic,
        predictionsTopic,
        Topics.EVENTS,
        StepTiming.defaults(),
        EventRules.defaults());
  }

  /**
   * Reads {@link Topics#EMBEDDINGS}, writes {@link Topics#PREDICTIONS} and {@link Topics#EVENTS}.
   */
  public static TopologyOptions defaults() {
    return new TopologyOptions(Topics.EMBEDDINGS, Topics.PREDICTIONS);
  }

  /** A copy with other timing. */
  public TopologyOptions withTiming(StepTiming t) {
    return new TopologyOptions(
        embeddingsTopic, predictionsTopic, eventsTopic, t, rules, batching, limits);
  }

  /** A copy with other event rules. */
  public TopologyOptions withRules(EventRules r) {
    return new TopologyOptions(
        embeddingsTopic, predictionsTopic, eventsTopic, timing, r, batching, limits);
  }

  /** A copy with other batching. */
  public TopologyOptions withBatching(DetectBatching b) {
    return new TopologyOptions(
        embeddingsTopic, predictionsTopic, eventsTopic, timing, rules, b, limits);
  }

  /** A copy with other limits. */
  public TopologyOptions withLimits(DetectLimits l) {
    return new TopologyOptions(
        embeddingsTopic, predictionsTopic, eventsTopic, timing, rules, batching, l);
  }

  private static void requireName(String name, String what) {
    Objects.requireNonNull(name, what);
    if (name.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
