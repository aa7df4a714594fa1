package io.oad.contract;

import java.util.List;

/**
 * Names of the topics that make up the wire contract. Every topic is keyed by camera id, which must
 * satisfy the {@link CameraIds} rule; capture times follow the {@link CaptureTimes} rule.
 */
public final class Topics {
  /**
   * Frames: key = camera id, value = a JPEG or PNG image; capture time = the {@link
   * FrameHeaders#CAPTURE_TIME} header or else the record timestamp; every {@link FrameHeaders}
   * header optional.
   */
  public static final String FRAMES = "oad.frames";

  /** Per-frame embeddings, value encoded by {@link EmbeddingSerde}. */
  public static final String EMBEDDINGS = "oad.embeddings";

  /** JSON {@link Prediction}s, one per model step. */
  public static final String PREDICTIONS = "oad.predictions";

  /** JSON {@link ActionEvent}s. */
  public static final String EVENTS = "oad.events";

  /** Anything that could not be processed, with {@link DeadLetterHeaders}. */
  public static final String DEADLETTER = "oad.deadletter";

  private Topics() {}

  /** All topics of the contract, in data-flow order. */
  public static List<String> all() {
    return List.of(FRAMES, EMBEDDINGS, PREDICTIONS, EVENTS, DEADLETTER);
  }
}
