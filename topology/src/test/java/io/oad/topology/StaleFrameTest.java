package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector's lag bound ({@code detect.step.max.lag.ms}): an embedding captured longer ago than
 * the bound when the detector reaches it is dropped as {@code stale}, and its step is a missing
 * step.
 */
class StaleFrameTest {
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

  private static Embedding frame(long seq, long offsetMs) {
    float[] v = new float[DIM];
    java.util.Arrays.fill(v, seq);
    return new Embedding(seq, T0 + offsetMs, "test", v);
  }

  private DriverHarness harness(long maxLagMs) {
    return new DriverHarness(
        DetectConfig.builder()
            .stateDir(stateDir)
            .property(DetectConfig.STEP_MAX_LAG_MS_CONFIG, maxLagMs)
            .build(),
        models,
        Instant.ofEpochMilli(T0));
  }

  @Test
  void shouldDropFramesOlderThanTheLagBoundAndTreatTheirStepsAsMissing() {
    h = harness(1_000);
    // steps 0..3 arrive on time (wall clock = capture time)
    for (int s = 0; s < 4; s++) {
      h.send("cam", frame(s, s * 250L));
      h.advanceWallClock(250);
    }
    // the detector falls 2 s behind: the frames of steps 4..7 reach it 2 s after capture
    h.advanceWallClock(2_000);
    for (int s = 4; s < 8; s++) {
      h.send("cam", frame(s, s * 250L));
    }
    List<Prediction> before = h.predictionsOf("cam");
    assertEquals(List.of(0L, 1L, 2L, 3L), before.stream().map(Prediction::step).toList());
    assertEquals(4, h.metrics.droppedCount(DetectorMetrics.REASON_STALE));

    // caught up: the wall clock is at capture offset 3000 ms = step 12, and this frame is on time
    h.send("cam", frame(8, 3_000));
    List<Prediction> after = h.predictionsOf("cam");
    assertEquals(1, after.size());
    // steps 4..11 are missing (8 = detect.gap.max.steps, so padded): the grid continues, no reset
    assertEquals(12L, after.get(0).step());
    assertTrue(after.get(0).warm(), "window continued, not a cold start");
    assertEquals(4, h.metrics.droppedCount(DetectorMetrics.REASON_STALE));
  }

  @Test
  void shouldUseEveryFrameHoweverLateWithoutABound() {
    h = harness(0);
    h.advanceWallClock(60_000);
    for (int s = 0; s < 4; s++) {
      h.send("cam", frame(s, s * 250L));
    }
    assertEquals(4, h.predictionsOf("cam").size());
    assertEquals(0, h.metrics.droppedCount(DetectorMetrics.REASON_STALE));
    assertTrue(h.predictions.isEmpty());
  }

  @Test
  void shouldRefuseANegativeBound() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> DetectConfig.builder().property(DetectConfig.STEP_MAX_LAG_MS_CONFIG, -1).build());
    assertTrue(e.getMessage().contains(DetectConfig.STEP_MAX_LAG_MS_CONFIG), e.getMessage());
    assertFalse(new StepTiming(4.0, 8, 0, true, 500).stale(T0, T0 + 500));
    assertTrue(new StepTiming(4.0, 8, 0, true, 500).stale(T0, T0 + 501));
  }
}
