package io.oad.contract;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One model step's output for one camera, published as JSON on {@link Topics#PREDICTIONS}.
 *
 * @param camera camera id (also the record key)
 * @param sequence sequence number of the frame that closed this step
 * @param captureTimeMs capture time of that frame, epoch ms
 * @param step model step index of this prediction since the camera's stream (re)started
 * @param modelId identifies the detector (and backbone) that made it
 * @param action most likely class now ({@code background} when none)
 * @param score its probability
 * @param scores probability of every class, in the model's class order
 * @param future the most likely class at each future step
 * @param warm false during cold start, while fewer than T steps have been seen
 * @param latencyMs wall-clock time from capture to this prediction
 */
public record Prediction(
    String camera,
    long sequence,
    long captureTimeMs,
    long step,
    String modelId,
    String action,
    double score,
    Map<String, Double> scores,
    List<FutureStep> future,
    boolean warm,
    long latencyMs) {
  /** Validates the fields and copies the collections. */
  public Prediction {
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(action, "action");
    scores =
        scores == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scores));
    future = future == null ? List.of() : List.copyOf(future);
  }

  /** The top anticipated step, or {@code null} when the model predicts no future. */
  public FutureStep topFuture() {
    FutureStep best = null;
    for (FutureStep f : future) {
      if (!f.action().equals(action) && (best == null || f.score() > best.score())) {
        best = f;
      }
    }
    return best != null ? best : (future.isEmpty() ? null : future.get(future.size() - 1));
  }
}
