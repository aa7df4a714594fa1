package io.oad.extractor;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashSet;
import java.util.Set;

/**
 * Prometheus metrics of the feature extractor. Metrics work as soon as the object exists; {@link
 * #register(PrometheusRegistry)} exposes them. One instance per process (or per registry), shared
 * by all the extractor workers of that process: every method is thread-safe (the Prometheus metrics
 * are, and the bounded set of camera labels is guarded by its own lock), so the counters are the
 * process's totals.
 */
public final class ExtractorMetrics {
  /** Frame records taken from the frames topic, good or bad. */
  public static final String FRAMES_CONSUMED_TOTAL = "oad_extractor_frames_consumed_total";

  /** Embedding records handed to the producer. */
  public static final String EMBEDDINGS_PRODUCED_TOTAL = "oad_extractor_embeddings_produced_total";

  /** Records sent to the dead-letter topic, by reason code ({@link BadFrameException.Reason}). */
  public static final String DEADLETTERS_TOTAL = "oad_extractor_deadletters_total";

  /** Time to validate and decode one JPEG. */
  public static final String DECODE_SECONDS = "oad_extractor_decode_seconds";

  /** Time of one backbone forward pass over a batch. */
  public static final String INFERENCE_SECONDS = "oad_extractor_inference_seconds";

  /** Number of frames per backbone batch. */
  public static final String BATCH_SIZE = "oad_extractor_batch_size";

  /** Frames the drop policy did not embed, by camera and reason ({@code lag}, {@code sample}). */
  public static final String FRAMES_DROPPED_TOTAL = "oad_extractor_frames_dropped_total";

  /**
   * Frames decoded but not embedded because an earlier frame of their camera formed their step
   * ({@link ExtractorConfig#stepsPerSecond()}).
   */
  public static final String FRAMES_SKIPPED_TOTAL = "oad_extractor_frames_skipped_total";

  /** Age of a frame (now − capture time) when its batch is about to be embedded. */
  public static final String FRAME_LAG_SECONDS = "oad_extractor_frame_lag_seconds";

  /** Label of {@link #DEADLETTERS_TOTAL} and {@link #FRAMES_DROPPED_TOTAL}. */
  public static final String REASON_LABEL = "reason";

  /** Camera label of {@link #FRAMES_DROPPED_TOTAL}. */
  public static final String CAMERA_LABEL = "camera";

  /** Reason of a frame dropped because it was older than the lag bound. */
  public static final String REASON_LAG = "lag";

  /** Reason of a lagging frame dropped by sampling down (every k-th one is kept). */
  public static final String REASON_SAMPLE = "sample";

  /** Distinct camera label values before further cameras share {@link #OTHER_CAMERA}. */
  public static final int MAX_CAMERAS = 1000;

  /** Camera label value for cameras beyond {@link #MAX_CAMERAS}. */
  public static final String OTHER_CAMERA = "_other";

  private final Counter framesConsumed;
  private final Counter embeddingsProduced;
  private final Counter deadLetters;
  private final Histogram decodeSeconds;
  private final Histogram inferenceSeconds;
  private final Histogram batchSize;
  private final Counter framesDropped;
  private final Counter framesSkipped;
  private final Histogram frameLag;

  /** Camera label values handed out so far; guarded by itself (workers share this object). */
  private final Set<String> cameras = new HashSet<>();

  /** Creates the metrics, not yet registered anywhere. */
  public ExtractorMetrics() {
    framesConsumed =
        Counter.builder()
            .name(FRAMES_CONSUMED_TOTAL)
            .help("Frame records consumed from the frames topic, good or bad")
            .build();
    embeddingsProduced =
        Counter.builder()
            .name(EMBEDDINGS_PRODUCED_TOTAL)
            .help("Embedding records sent to the embeddings topic")
            .build();
    deadLetters =
        Counter.builder()
            .name(DEADLETTERS_TOTAL)
            .help("Frame records sent to the dead-letter topic, by reason")
            .labelNames(REASON_LABEL)
            .build();
    decodeSeconds =
        Histogram.builder()
            .name(DECODE_SECONDS)
            .help("Time to validate and decode one JPEG frame")
            .classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5)
            .build();
    inferenceSeconds =
        Histogram.builder()
            .name(INFERENCE_SECONDS)
            .help("Time of one backbone forward pass over a batch")
            .classicOnly()
            .classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2)
            .build();
    batchSize =
        Histogram.builder()
            .name(BATCH_SIZE)
            .help("Frames per backbone batch")
            .classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128)
            .build();
    framesDropped =
        Counter.builder()
            .name(FRAMES_DROPPED_TOTAL)
            .help("Frames the drop policy did not embed (offsets committed), by camera and reason")
            .labelNames(CAMERA_LABEL, REASON_LABEL)
            .build();
    framesSkipped =
        Counter.builder()
            .name(FRAMES_SKIPPED_TOTAL)
            .help(
                "Frames decoded but not embedded: an earlier frame of the camera formed their step"
                    + " (extract.steps.per.second)")
            .build();
    frameLag =
        Histogram.builder()
            .name(FRAME_LAG_SECONDS)
            .help("Age of a frame (now - capture time) when its batch is about to be embedded")
            .classicOnly()
            .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60)
            .build();
    // exported at 0 from the start, so a dashboard shows "none" rather than "no data"
    for (BadFrameException.Reason r : BadFrameException.Reason.values()) {
      deadLetters.labelValues(r.code());
    }
    framesDropped.labelValues(OTHER_CAMERA, REASON_LAG);
    framesDropped.labelValues(OTHER_CAMERA, REASON_SAMPLE);
  }

  /** Registers every metric with {@code registry}; returns {@code this}. */
  public ExtractorMetrics register(PrometheusRegistry registry) {
    registry.register(framesConsumed);
    registry.register(embeddingsProduced);
    registry.register(deadLetters);
    registry.register(decodeSeconds);
    registry.register(inferenceSeconds);
    registry.register(batchSize);
    registry.register(framesDropped);
    registry.register(framesSkipped);
    registry.register(frameLag);
    return this;
  }

  void frameConsumed() {
    framesConsumed.inc();
  }

  void embeddingProduced() {
    embeddingsProduced.inc();
  }

  void deadLetter(BadFrameException.Reason reason) {
    deadLetters.labelValues(reason.code()).inc();
  }

  void frameDropped(String camera, String reason) {
    framesDropped.labelValues(cameraLabel(camera), reason).inc();
  }

  void framesSkipped(int frames) {
    framesSkipped.inc(frames);
  }

  void frameLag(long millis) {
    frameLag.observe(millis / 1e3);
  }

  /** The label value of a camera, bounded to {@link #MAX_CAMERAS} distinct values. */
  String cameraLabel(String camera) {
    String id = camera == null || camera.isEmpty() ? OTHER_CAMERA : camera;
    synchronized (cameras) {
      if (cameras.contains(id)) {
        return id;
      }
      if (cameras.size() < MAX_CAMERAS) {
        cameras.add(id);
        return id;
      }
    }
    return OTHER_CAMERA;
  }

  void decoded(long nanos) {
    decodeSeconds.observe(nanos / 1e9);
  }

  void inferred(int frames, long nanos) {
    batchSize.observe(frames);
    inferenceSeconds.observe(nanos / 1e9);
  }
}
