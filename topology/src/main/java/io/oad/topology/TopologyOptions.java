package io.oad.topology;

import io.oad.contract.Topics;
import java.util.Objects;

/**
 * What the topology reads and writes. {@link #defaults()} uses the wire contract's topics.
 *
 * @param embeddingsTopic input topic of embeddings keyed by camera
 * @param predictionsTopic output topic of predictions keyed by camera
 */
public record TopologyOptions(String embeddingsTopic, String predictionsTopic) {
  /** Validates the fields. */
  public TopologyOptions {
    requireName(embeddingsTopic, "embeddingsTopic");
    requireName(predictionsTopic, "predictionsTopic");
    if (embeddingsTopic.equals(predictionsTopic)) {
      throw new IllegalArgumentException(
          "input and output topic must differ, both are '" + embeddingsTopic + "'");
    }
  }

  /** Reads {@link Topics#EMBEDDINGS}, writes {@link Topics#PREDICTIONS}. */
  public static TopologyOptions defaults() {
    return new TopologyOptions(Topics.EMBEDDINGS, Topics.PREDICTIONS);
  }

  private static void requireName(String name, String what) {
    Objects.requireNonNull(name, what);
    if (name.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
