package io.oad.topology;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics of the detector topology. Create one per process, {@link
 * #register(PrometheusRegistry)} it, and share it between all stream threads (the metrics are
 * thread-safe). Labels never carry the camera id, to keep cardinality bounded with many cameras.
 */
public final class DetectorMetrics {
  /** Embeddings read from the input topic, valid or not. */
  public static final String EMBEDDINGS_CONSUMED = "oad_detector_embeddings_consumed_total";

  /** Predictions forwarded to the output topic. */
  public static final String PREDICTIONS = "oad_detector_predictions_total";

  /** Wall-clock duration of one model call, which scores one batch. */
  public static final String INFERENCE_SECONDS = "oad_detector_inference_seconds";

  /** Steps scored per model call (batches span the cameras and tasks of a stream thread). */
  public static final String BATCH_SIZE = "oad_detector_batch_size";

  /** Wall-clock time a step waited in its batch, from being due to its model call starting. */
  public static final String BATCH_WAIT_SECONDS = "oad_detector_batch_wait_seconds";

  /** Wall-clock delay from frame capture to the prediction being produced. */
  public static final String CAPTURE_TO_PREDICTION_SECONDS =
      "oad_detector_capture_to_prediction_seconds";

  /**
   * Embeddings whose extractor skipped frames for another step rate than this detector's (header
   * {@link io.oad.contract.StepGrid#RATE_HEADER}), or while this detector predicts steps from their
   * last frame: steps may lack the frame the detector would have used.
   */
  public static final String STEP_RATE_MISMATCH = "oad_detector_step_rate_mismatch_total";

  /** Embeddings dropped or dead-lettered, by {@link #REASON_LABEL}. */
  public static final String DROPPED = "oad_detector_dropped_total";

  /** Label of {@link #DROPPED}. */
  public static final String REASON_LABEL = "reason";

  /**
   * Reason: the frame's step was already closed (late or out of order beyond the one-step grace).
   */
  public static final String REASON_LATE = "late";

  /** Drop reason: a further frame of a step already predicted on its first frame. */
  public static final String REASON_EXTRA_FRAME = "extra_frame";

  /** Reason: captured longer ago than the lag bound when the detector reached it. */
  public static final String REASON_STALE = "stale";

  /** Reason: a sequence number already seen for the camera. */
  public static final String REASON_DUPLICATE = "duplicate";

  /** Events written to the events topic, by {@link #TYPE_LABEL}. */
  public static final String EVENTS = "oad_detector_events_total";

  /** Label of {@link #EVENTS}: the {@code ActionEvent.Type} name. */
  public static final String TYPE_LABEL = "type";

  /** Cameras currently online (seen, and not reported offline), over all tasks of this process. */
  public static final String CAMERAS_ONLINE = "oad_detector_cameras_online";

  /** Reason: the vector's dimension differs from the model's (sent to the dead-letter topic). */
  public static final String REASON_WRONG_DIMENSION = "wrong_dimension";

  /** Reason: a record without key or value. */
  public static final String REASON_MISSING_KEY_OR_VALUE = "missing_key_or_value";

  /** Reason: the record could not be deserialized (sent to the dead-letter topic). */
  public static final String REASON_UNDECODABLE = "undecodable";

  /** Reason: processing failed for another reason (sent to the dead-letter topic). */
  public static final String REASON_PROCESSING_ERROR = "processing_error";

  /**
   * Reason: the key breaks the camera-id rule ({@code io.oad.contract.CameraIds}); sent to the
   * dead-letter topic before it touches any state.
   */
  public static final String REASON_BAD_CAMERA_ID = "bad_camera_id";

  /**
   * Reason: the capture time is negative or further ahead of the wall clock than {@code
   * detect.max.capture.ahead.ms} ({@code io.oad.contract.CaptureTimes}); sent to the dead-letter
   * topic before it touches any state.
   */
  public static final String REASON_BAD_CAPTURE_TIME = "bad_capture_time";

  /**
   * Reason: an output record (prediction or event) could not be sent, because it is larger than the
   * producer's {@code max.request.size} or the broker refused it for a non-fatal reason; a stub
   * without value went to the dead-letter topic instead.
   */
  public static final String REASON_UNSENDABLE = "unsendable";

  /** Every reason of {@link #DROPPED}. */
  public static final java.util.List<String> REASONS =
      java.util.List.of(
          REASON_LATE,
          REASON_EXTRA_FRAME,
          REASON_STALE,
          REASON_DUPLICATE,
          REASON_WRONG_DIMENSION,
          REASON_MISSING_KEY_OR_VALUE,
          REASON_UNDECODABLE,
          REASON_PROCESSING_ERROR,
          REASON_BAD_CAMERA_ID,
          REASON_BAD_CAPTURE_TIME,
          REASON_UNSENDABLE);

  /**
   * Cameras removed from every store after being silent longer than {@code
   * detect.camera.retention.ms}.
   */
  public static final String CAMERAS_EXPIRED = "oad_detector_cameras_expired_total";

  private final Counter consumed;
  private final Counter predictions;
  private final Histogram inference;
  private final Histogram batchSize;
  private final Histogram batchWait;
  private final Histogram captureToPrediction;
  private final Counter dropped;
  private final Counter events;
  private final Counter expired;
  private final Counter stepRateMismatch;
  private final GaugeWithCallback camerasOnline;
  private final Map<String, Integer> onlineByTask = new ConcurrentHashMap<>();

  /** Creates the metrics, not yet registered anywhere. */
  public DetectorMetrics() {
    consumed =
        Counter.builder()
            .name(EMBEDDINGS_CONSUMED)
            .help("Embeddings read from the input topic, valid or not")
            .build();
    predictions =
        Counter.builder()
            .name(PREDICTIONS)
            .help("Predictions written to the predictions topic")
            .build();
    inference =
        Histogram.builder()
            .name(INFERENCE_SECONDS)
            .help("Duration of one model call (one batch)")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
            .build();
    batchSize =
        Histogram.builder()
            .name(BATCH_SIZE)
            .help("Steps scored per model call")
            .classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256)
            .build();
    batchWait =
        Histogram.builder()
            .name(BATCH_WAIT_SECONDS)
            .help("Time a step waited in its batch before the model call")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1)
            .build();
    captureToPrediction =
        Histogram.builder()
            .name(CAPTURE_TO_PREDICTION_SECONDS)
            .help("Delay from frame capture to the prediction being produced")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .build();
    dropped =
        Counter.builder()
            .name(DROPPED)
            .help("Embeddings that produced no prediction, by reason")
            .labelNames(REASON_LABEL)
            .build();
    // every reason exported at 0 from the start, so a dashboard shows "none" rather than "no data"
    for (String reason : REASONS) {
      dropped.labelValues(reason);
    }
    events =
        Counter.builder()
            .name(EVENTS)
            .help("Events written to the events topic, by type")
            .labelNames(TYPE_LABEL)
            .build();
    expired =
        Counter.builder()
            .name(CAMERAS_EXPIRED)
            .help("Cameras removed from the state stores after the retention")
            .build();
    stepRateMismatch =
        Counter.builder()
            .name(STEP_RATE_MISMATCH)
            .help(
                "Embeddings from an extractor that skipped frames for another step rate (or while"
                    + " steps are predicted from their last frame)")
            .build();
    camerasOnline =
        GaugeWithCallback.builder()
            .name(CAMERAS_ONLINE)
            .help("Cameras seen and not reported offline")
            .callback(cb -> cb.call(camerasOnlineCount()))
            .build();
  }

  /** Registers every metric with {@code registry}; returns this for chaining. */
  public DetectorMetrics register(PrometheusRegistry registry) {
    registry.register(consumed);
    registry.register(predictions);
    registry.register(inference);
    registry.register(batchSize);
    registry.register(batchWait);
    registry.register(captureToPrediction);
    registry.register(dropped);
    registry.register(events);
    registry.register(expired);
    registry.register(stepRateMismatch);
    registry.register(camerasOnline);
    return this;
  }

  /** Counts one embedding thinned for another step rate than this detector's. */
  public void stepRateMismatch() {
    stepRateMismatch.inc();
  }

  /** Counts one consumed embedding. */
  public void embeddingConsumed() {
    consumed.inc();
  }

  /** Counts one produced prediction and records its capture-to-prediction delay. */
  public void predictionProduced(long captureToPredictionMs) {
    predictions.inc();
    captureToPrediction.observe(Math.max(0, captureToPredictionMs) / 1000.0);
  }

  /** Records the duration of one model call. */
  public void inference(long nanos) {
    inference.observe(nanos / 1e9);
  }

  /** Records one model call of {@code size} steps that took {@code nanos}. */
  public void batch(int size, long nanos) {
    inference(nanos);
    batchSize.observe(size);
  }

  /** Records how long one step waited in its batch. */
  public void batchWait(long nanos) {
    batchWait.observe(Math.max(0, nanos) / 1e9);
  }

  /** Model calls made so far (the count of {@link #BATCH_SIZE}), for tests and benchmarks. */
  public long batchCount() {
    var points = batchSize.collect().getDataPoints();
    return points.isEmpty() ? 0 : points.get(0).getCount();
  }

  /** Seconds spent in model calls so far (the sum of {@link #INFERENCE_SECONDS}). */
  public double inferenceSeconds() {
    var points = inference.collect().getDataPoints();
    return points.isEmpty() ? 0 : points.get(0).getSum();
  }

  /** Seconds steps waited in batches so far (the sum of {@link #BATCH_WAIT_SECONDS}). */
  public double batchWaitSeconds() {
    var points = batchWait.collect().getDataPoints();
    return points.isEmpty() ? 0 : points.get(0).getSum();
  }

  /** Steps scored so far (the sum of {@link #BATCH_SIZE}), for tests and benchmarks. */
  public long batchedSteps() {
    var points = batchSize.collect().getDataPoints();
    return points.isEmpty() ? 0 : Math.round(points.get(0).getSum());
  }

  /** Counts one dropped or dead-lettered embedding. */
  public void dropped(String reason) {
    dropped.labelValues(reason).inc();
  }

  /** Counts one camera removed from the stores after the retention. */
  public void cameraExpired() {
    expired.inc();
  }

  /** Current value of {@link #CAMERAS_EXPIRED}, for tests and logs. */
  public long camerasExpiredCount() {
    return expired.getLongValue();
  }

  /** Counts one event written, by its type name. */
  public void event(String type) {
    events.labelValues(type).inc();
  }

  /**
   * Sets how many cameras one stream task sees online; the gauge is the sum over tasks.
   *
   * @param task identifies the task (its id), so that tasks moving between threads add up right
   */
  public void camerasOnline(String task, int count) {
    onlineByTask.put(task, count);
  }

  /** Removes a closed task's share of the online cameras. */
  public void forgetTask(String task) {
    onlineByTask.remove(task);
  }

  /** Current value of {@link #CAMERAS_ONLINE}. */
  public long camerasOnlineCount() {
    return onlineByTask.values().stream().mapToLong(Integer::longValue).sum();
  }

  /** Current value of {@link #EVENTS} for {@code type}, for tests and logs. */
  public long eventCount(String type) {
    return (long) events.labelValues(type).get();
  }

  /** Current value of {@link #EMBEDDINGS_CONSUMED}, for tests and logs. */
  public long consumedCount() {
    return consumed.getLongValue();
  }

  /** Current value of {@link #PREDICTIONS}, for tests and logs. */
  public long predictionCount() {
    return predictions.getLongValue();
  }

  /** Current value of {@link #STEP_RATE_MISMATCH}, for tests and logs. */
  public long stepRateMismatchCount() {
    return stepRateMismatch.getLongValue();
  }

  /** Current value of {@link #DROPPED} for {@code reason}, for tests and logs. */
  public long droppedCount(String reason) {
    return (long) dropped.labelValues(reason).get();
  }
}
