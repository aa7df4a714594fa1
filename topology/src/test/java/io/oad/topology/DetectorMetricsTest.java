package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Golden exposition text against a private registry. */
class DetectorMetricsTest {
  @Test
  void shouldExposeTheDocumentedNamesTypesAndValues() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    DetectorMetrics m = new DetectorMetrics().register(registry);
    m.embeddingConsumed();
    m.embeddingConsumed();
    m.embeddingConsumed();
    m.predictionProduced(40); // 0.04 s
    m.predictionProduced(3_000); // 3 s
    m.batch(3, 2_000_000); // 3 steps in 0.002 s
    m.batchWait(7_812_500); // 2^-7 s (exact in binary, so the sum prints exactly)
    m.batchWait(31_250_000); // 2^-5 s
    m.dropped(DetectorMetrics.REASON_LATE);
    m.dropped(DetectorMetrics.REASON_DUPLICATE);
    m.dropped(DetectorMetrics.REASON_DUPLICATE);
    m.event("ACTION_STARTED");
    m.dropped(DetectorMetrics.REASON_BAD_CAMERA_ID);
    m.cameraExpired();
    m.cameraExpired();
    m.camerasOnline("0_0", 3);
    m.camerasOnline("0_1", 2);
    m.camerasOnline("0_0", 1); // a task's share is replaced, not added
    m.camerasOnline("0_2", 7);
    m.forgetTask("0_2");
    m.stepRateMismatch();

    String text = scrape(registry);
    assertEquals(3, m.batchedSteps());
    assertEquals(1, m.batchCount());
    assertEquals(
        """
        # HELP oad_detector_batch_size Steps scored per model call
        # TYPE oad_detector_batch_size histogram
        oad_detector_batch_size_bucket{le="1.0"} 0
        oad_detector_batch_size_bucket{le="2.0"} 0
        oad_detector_batch_size_bucket{le="4.0"} 1
        oad_detector_batch_size_bucket{le="8.0"} 1
        oad_detector_batch_size_bucket{le="16.0"} 1
        oad_detector_batch_size_bucket{le="32.0"} 1
        oad_detector_batch_size_bucket{le="64.0"} 1
        oad_detector_batch_size_bucket{le="128.0"} 1
        oad_detector_batch_size_bucket{le="256.0"} 1
        oad_detector_batch_size_bucket{le="+Inf"} 1
        oad_detector_batch_size_count 1
        oad_detector_batch_size_sum 3.0
        # HELP oad_detector_batch_wait_seconds Time a step waited in its batch before the model call
        # TYPE oad_detector_batch_wait_seconds histogram
        oad_detector_batch_wait_seconds_bucket{le="0.001"} 0
        oad_detector_batch_wait_seconds_bucket{le="0.0025"} 0
        oad_detector_batch_wait_seconds_bucket{le="0.005"} 0
        oad_detector_batch_wait_seconds_bucket{le="0.01"} 1
        oad_detector_batch_wait_seconds_bucket{le="0.02"} 1
        oad_detector_batch_wait_seconds_bucket{le="0.05"} 2
        oad_detector_batch_wait_seconds_bucket{le="0.1"} 2
        oad_detector_batch_wait_seconds_bucket{le="0.25"} 2
        oad_detector_batch_wait_seconds_bucket{le="0.5"} 2
        oad_detector_batch_wait_seconds_bucket{le="1.0"} 2
        oad_detector_batch_wait_seconds_bucket{le="+Inf"} 2
        oad_detector_batch_wait_seconds_count 2
        oad_detector_batch_wait_seconds_sum 0.0390625
        # HELP oad_detector_cameras_expired_total Cameras removed from the state stores after the retention
        # TYPE oad_detector_cameras_expired_total counter
        oad_detector_cameras_expired_total 2.0
        # HELP oad_detector_cameras_online Cameras seen and not reported offline
        # TYPE oad_detector_cameras_online gauge
        oad_detector_cameras_online 3.0
        # HELP oad_detector_capture_to_prediction_seconds Delay from frame capture to the prediction being produced
        # TYPE oad_detector_capture_to_prediction_seconds histogram
        oad_detector_capture_to_prediction_seconds_bucket{le="0.01"} 0
        oad_detector_capture_to_prediction_seconds_bucket{le="0.025"} 0
        oad_detector_capture_to_prediction_seconds_bucket{le="0.05"} 1
        oad_detector_capture_to_prediction_seconds_bucket{le="0.1"} 1
        oad_detector_capture_to_prediction_seconds_bucket{le="0.25"} 1
        oad_detector_capture_to_prediction_seconds_bucket{le="0.5"} 1
        oad_detector_capture_to_prediction_seconds_bucket{le="1.0"} 1
        oad_detector_capture_to_prediction_seconds_bucket{le="2.5"} 1
        oad_detector_capture_to_prediction_seconds_bucket{le="5.0"} 2
        oad_detector_capture_to_prediction_seconds_bucket{le="10.0"} 2
        oad_detector_capture_to_prediction_seconds_bucket{le="30.0"} 2
        oad_detector_capture_to_prediction_seconds_bucket{le="+Inf"} 2
        oad_detector_capture_to_prediction_seconds_count 2
        oad_detector_capture_to_prediction_seconds_sum 3.04
        # HELP oad_detector_dropped_total Embeddings that produced no prediction, by reason
        # TYPE oad_detector_dropped_total counter
        oad_detector_dropped_total{reason="bad_camera_id"} 1.0
        oad_detector_dropped_total{reason="bad_capture_time"} 0.0
        oad_detector_dropped_total{reason="duplicate"} 2.0
        oad_detector_dropped_total{reason="extra_frame"} 0.0
        oad_detector_dropped_total{reason="late"} 1.0
        oad_detector_dropped_total{reason="missing_key_or_value"} 0.0
        oad_detector_dropped_total{reason="processing_error"} 0.0
        oad_detector_dropped_total{reason="stale"} 0.0
        oad_detector_dropped_total{reason="undecodable"} 0.0
        oad_detector_dropped_total{reason="unsendable"} 0.0
        oad_detector_dropped_total{reason="wrong_dimension"} 0.0
        # HELP oad_detector_embeddings_consumed_total Embeddings read from the input topic, valid or not
        # TYPE oad_detector_embeddings_consumed_total counter
        oad_detector_embeddings_consumed_total 3.0
        # HELP oad_detector_events_total Events written to the events topic, by type
        # TYPE oad_detector_events_total counter
        oad_detector_events_total{type="ACTION_STARTED"} 1.0
        # HELP oad_detector_inference_seconds Duration of one model call (one batch)
        # TYPE oad_detector_inference_seconds histogram
        oad_detector_inference_seconds_bucket{le="0.001"} 0
        oad_detector_inference_seconds_bucket{le="0.0025"} 1
        oad_detector_inference_seconds_bucket{le="0.005"} 1
        oad_detector_inference_seconds_bucket{le="0.01"} 1
        oad_detector_inference_seconds_bucket{le="0.025"} 1
        oad_detector_inference_seconds_bucket{le="0.05"} 1
        oad_detector_inference_seconds_bucket{le="0.1"} 1
        oad_detector_inference_seconds_bucket{le="0.25"} 1
        oad_detector_inference_seconds_bucket{le="0.5"} 1
        oad_detector_inference_seconds_bucket{le="1.0"} 1
        oad_detector_inference_seconds_bucket{le="2.5"} 1
        oad_detector_inference_seconds_bucket{le="+Inf"} 1
        oad_detector_inference_seconds_count 1
        oad_detector_inference_seconds_sum 0.002
        # HELP oad_detector_predictions_total Predictions written to the predictions topic
        # TYPE oad_detector_predictions_total counter
        oad_detector_predictions_total 2.0
        # HELP oad_detector_step_rate_mismatch_total Embeddings from an extractor that skipped frames for another step rate (or while steps are predicted from their last frame)
        # TYPE oad_detector_step_rate_mismatch_total counter
        oad_detector_step_rate_mismatch_total 1.0
        """,
        text);
  }

  private static String scrape(PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.builder()
        .setIncludeCreatedTimestamps(false)
        .build()
        .write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    return out.toString(StandardCharsets.UTF_8);
  }
}
