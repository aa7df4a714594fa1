package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExtractorMetricsTest {
  static String scrape(PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldExposeEveryMetricInTheTextFormat() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    ExtractorMetrics metrics = new ExtractorMetrics().register(registry);
    metrics.frameConsumed();
    metrics.frameConsumed();
    metrics.embeddingProduced();
    metrics.deadLetter(BadFrameException.Reason.CORRUPT);
    metrics.decoded(1_500_000);
    metrics.inferred(3, 30_000_000);
    metrics.frameLag(1_500);
    metrics.frameDropped("cam-1", ExtractorMetrics.REASON_LAG);
    metrics.frameDropped("cam-1", ExtractorMetrics.REASON_LAG);
    metrics.framesSkipped(3);

    // the labelled counters exported at 0 from the start are checked below
    String text =
        scrape(registry)
            .lines()
            .filter(l -> !(l.contains("_total{") && l.endsWith(" 0.0")))
            .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    assertEquals(GOLDEN, text);
  }

  @Test
  void shouldExportEveryDeadLetterReasonAndTheDropReasonsAtZeroFromTheStart() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    new ExtractorMetrics().register(registry);
    String text = scrape(registry);
    for (BadFrameException.Reason r : BadFrameException.Reason.values()) {
      org.junit.jupiter.api.Assertions.assertTrue(
          text.contains("oad_extractor_deadletters_total{reason=\"" + r.code() + "\"} 0.0"),
          r + " in\n" + text);
    }
    org.junit.jupiter.api.Assertions.assertTrue(
        text.contains("oad_extractor_frames_dropped_total{camera=\"_other\",reason=\"lag\"} 0.0"),
        text);
  }

  // buckets checked by hand: 1.5 ms lands in le=0.002, 30 ms in le=0.05, a batch of 3 in le=4,
  // a lag of 1.5 s in le=2
  private static final String GOLDEN =
      """
      # HELP oad_extractor_batch_size Frames per backbone batch
      # TYPE oad_extractor_batch_size histogram
      oad_extractor_batch_size_bucket{le="1.0"} 0
      oad_extractor_batch_size_bucket{le="2.0"} 0
      oad_extractor_batch_size_bucket{le="4.0"} 1
      oad_extractor_batch_size_bucket{le="8.0"} 1
      oad_extractor_batch_size_bucket{le="16.0"} 1
      oad_extractor_batch_size_bucket{le="32.0"} 1
      oad_extractor_batch_size_bucket{le="64.0"} 1
      oad_extractor_batch_size_bucket{le="128.0"} 1
      oad_extractor_batch_size_bucket{le="+Inf"} 1
      oad_extractor_batch_size_count 1
      oad_extractor_batch_size_sum 3.0
      # HELP oad_extractor_deadletters_total Frame records sent to the dead-letter topic, by reason
      # TYPE oad_extractor_deadletters_total counter
      oad_extractor_deadletters_total{reason="corrupt"} 1.0
      # HELP oad_extractor_decode_seconds Time to validate and decode one JPEG frame
      # TYPE oad_extractor_decode_seconds histogram
      oad_extractor_decode_seconds_bucket{le="5.0E-4"} 0
      oad_extractor_decode_seconds_bucket{le="0.001"} 0
      oad_extractor_decode_seconds_bucket{le="0.002"} 1
      oad_extractor_decode_seconds_bucket{le="0.005"} 1
      oad_extractor_decode_seconds_bucket{le="0.01"} 1
      oad_extractor_decode_seconds_bucket{le="0.02"} 1
      oad_extractor_decode_seconds_bucket{le="0.05"} 1
      oad_extractor_decode_seconds_bucket{le="0.1"} 1
      oad_extractor_decode_seconds_bucket{le="0.5"} 1
      oad_extractor_decode_seconds_bucket{le="+Inf"} 1
      oad_extractor_decode_seconds_count 1
      oad_extractor_decode_seconds_sum 0.0015
      # HELP oad_extractor_embeddings_produced_total Embedding records sent to the embeddings topic
      # TYPE oad_extractor_embeddings_produced_total counter
      oad_extractor_embeddings_produced_total 1.0
      # HELP oad_extractor_frame_lag_seconds Age of a frame (now - capture time) when its batch is about to be embedded
      # TYPE oad_extractor_frame_lag_seconds histogram
      oad_extractor_frame_lag_seconds_bucket{le="0.05"} 0
      oad_extractor_frame_lag_seconds_bucket{le="0.1"} 0
      oad_extractor_frame_lag_seconds_bucket{le="0.25"} 0
      oad_extractor_frame_lag_seconds_bucket{le="0.5"} 0
      oad_extractor_frame_lag_seconds_bucket{le="1.0"} 0
      oad_extractor_frame_lag_seconds_bucket{le="2.0"} 1
      oad_extractor_frame_lag_seconds_bucket{le="5.0"} 1
      oad_extractor_frame_lag_seconds_bucket{le="10.0"} 1
      oad_extractor_frame_lag_seconds_bucket{le="30.0"} 1
      oad_extractor_frame_lag_seconds_bucket{le="60.0"} 1
      oad_extractor_frame_lag_seconds_bucket{le="+Inf"} 1
      oad_extractor_frame_lag_seconds_count 1
      oad_extractor_frame_lag_seconds_sum 1.5
      # HELP oad_extractor_frames_consumed_total Frame records consumed from the frames topic, good or bad
      # TYPE oad_extractor_frames_consumed_total counter
      oad_extractor_frames_consumed_total 2.0
      # HELP oad_extractor_frames_dropped_total Frames the drop policy did not embed (offsets committed), by camera and reason
      # TYPE oad_extractor_frames_dropped_total counter
      oad_extractor_frames_dropped_total{camera="cam-1",reason="lag"} 2.0
      # HELP oad_extractor_frames_skipped_total Frames decoded but not embedded: an earlier frame of the camera formed their step (extract.steps.per.second)
      # TYPE oad_extractor_frames_skipped_total counter
      oad_extractor_frames_skipped_total 3.0
      # HELP oad_extractor_inference_seconds Time of one backbone forward pass over a batch
      # TYPE oad_extractor_inference_seconds histogram
      oad_extractor_inference_seconds_bucket{le="0.001"} 0
      oad_extractor_inference_seconds_bucket{le="0.002"} 0
      oad_extractor_inference_seconds_bucket{le="0.005"} 0
      oad_extractor_inference_seconds_bucket{le="0.01"} 0
      oad_extractor_inference_seconds_bucket{le="0.02"} 0
      oad_extractor_inference_seconds_bucket{le="0.05"} 1
      oad_extractor_inference_seconds_bucket{le="0.1"} 1
      oad_extractor_inference_seconds_bucket{le="0.2"} 1
      oad_extractor_inference_seconds_bucket{le="0.5"} 1
      oad_extractor_inference_seconds_bucket{le="1.0"} 1
      oad_extractor_inference_seconds_bucket{le="2.0"} 1
      oad_extractor_inference_seconds_bucket{le="+Inf"} 1
      oad_extractor_inference_seconds_count 1
      oad_extractor_inference_seconds_sum 0.03
      """;
}
