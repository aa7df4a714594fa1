package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.oad.contract.Embedding;
import io.oad.contract.StepGrid;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embeddings from an extractor that skipped the frames of formed steps say for which step rate
 * ({@link StepGrid#RATE_HEADER}); the detector counts those made for another rate than its own, or
 * while it predicts a step from its last frame, and still predicts from them.
 */
class StepRateHeaderTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final int DIM = 3;

  @TempDir Path stateDir;
  private final FakeStepModel.Factory models = new FakeStepModel.Factory(4, DIM);
  private DriverHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private static Embedding frame(long seq) {
    return new Embedding(seq, T0 + 250 * seq, "test", new float[] {seq, 1, 2});
  }

  private static Headers rate(double stepsPerSecond) {
    Headers headers = new RecordHeaders();
    headers.add(StepGrid.rateHeader(stepsPerSecond));
    return headers;
  }

  private void start(DetectConfig.Builder config) {
    h = new DriverHarness(config.stateDir(stateDir).build(), models, Instant.ofEpochMilli(T0));
  }

  @Test
  void shouldCountNothingForItsOwnRateOrNoHeader() {
    start(DetectConfig.builder());
    h.send("cam", frame(0), rate(4.0));
    h.send("cam", frame(1));
    h.send("cam", frame(2), rate(4.0));

    assertEquals(0, h.metrics.stepRateMismatchCount());
    assertEquals(3, h.predictionsOf("cam").size());
  }

  @Test
  void shouldCountEmbeddingsThinnedForAnotherRateAndStillPredict() {
    start(DetectConfig.builder());
    h.send("cam", frame(0), rate(5.0));
    h.send("cam", frame(1), rate(5.0));
    Headers garbage = new RecordHeaders();
    garbage.add(StepGrid.RATE_HEADER, "fast".getBytes(StandardCharsets.UTF_8));
    h.send("cam", frame(2), garbage);
    Headers huge = new RecordHeaders();
    huge.add(StepGrid.RATE_HEADER, ("4" + "0".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
    h.send("cam", frame(3), huge);

    assertEquals(4, h.metrics.stepRateMismatchCount());
    assertEquals(4, h.predictionsOf("cam").size(), "the embeddings themselves are valid");
  }

  @Test
  void shouldCountThinnedEmbeddingsWhenStepsArePredictedFromTheirLastFrame() {
    start(DetectConfig.builder().property(DetectConfig.STEP_EMIT_CONFIG, "last"));
    h.send("cam", frame(0), rate(4.0));

    assertEquals(1, h.metrics.stepRateMismatchCount());
  }
}
