package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames onto model steps by capture time: rates, gaps, late and duplicate frames, restarts. */
class TimeSemanticsTest {
  private static final int T = 4;
  private static final int DIM = 3;
  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP_MS = 250;

  @TempDir Path stateDir;

  private final FakeStepModel.Factory models = new FakeStepModel.Factory(T, DIM);
  private DriverHarness h;

  private void start(DetectConfig.Builder config) {
    // these tests pin the 'last frame forms the step' mode; FirstFrameEmitTest covers the default
    h =
        new DriverHarness(
            config.property(DetectConfig.STEP_EMIT_CONFIG, "last").stateDir(stateDir).build(),
            models,
            Instant.ofEpochMilli(T0));
  }

  private void start() {
    start(DetectConfig.builder());
  }

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  /** A frame whose values are all {@code value}, so a window row says which frame formed it. */
  private static Embedding frame(long seq, long offsetMs, float value) {
    float[] v = new float[DIM];
    java.util.Arrays.fill(v, value);
    return new Embedding(seq, T0 + offsetMs, "test", v);
  }

  /** Sends one frame every {@code periodMs} over [0, durationMs); returns how many. */
  private int sendAtRate(String camera, long periodMs, long durationMs) {
    int n = 0;
    for (long t = 0; t < durationMs; t += periodMs) {
      h.send(camera, frame(n, t, n));
      n++;
    }
    return n;
  }

  @Test
  void shouldFeedTheModelAtFourStepsPerSecondWhateverTheCameraRate() {
    start();
    int fast = sendAtRate("cam-25fps", 40, 10_000);
    int slow = sendAtRate("cam-5fps", 200, 10_000);
    assertEquals(250, fast);
    assertEquals(50, slow);

    List<Prediction> all = h.predictions.readValuesToList();
    List<Prediction> p25 = all.stream().filter(p -> p.camera().equals("cam-25fps")).toList();
    List<Prediction> p5 = all.stream().filter(p -> p.camera().equals("cam-5fps")).toList();
    // the 40th step of each stays open until a later frame (or the idle close) arrives
    assertEquals(39, p25.size());
    assertEquals(39, p5.size());
    List<Long> steps = LongStream.range(0, 39).boxed().toList();
    assertEquals(steps, p25.stream().map(Prediction::step).toList());
    assertEquals(steps, p5.stream().map(Prediction::step).toList());
    for (Prediction p : p25) {
      // the last frame captured inside the step forms it
      long lastOffset = (p.step() * STEP_MS + STEP_MS - 1) / 40 * 40;
      assertEquals(lastOffset / 40, p.sequence(), "step " + p.step());
      assertEquals(T0 + lastOffset, p.captureTimeMs());
    }

    h.advanceWallClock(StepTiming.defaults().idleCloseMs());
    List<Prediction> flushed = h.predictions.readValuesToList();
    assertEquals(2, flushed.size(), "idle close predicts each camera's last step");
    assertTrue(flushed.stream().allMatch(p -> p.step() == 39));
    assertEquals(0, h.metrics.droppedCount(DetectorMetrics.REASON_LATE));
  }

  @Test
  void shouldPadAShortGapWithTheLastStepAndKeepPredicting() {
    start();
    for (int s = 0; s < 6; s++) {
      h.send("cam", frame(s, s * STEP_MS, s));
    }
    // steps 6..9 get no frame (4 <= 8 missing steps)
    h.send("cam", frame(6, 10 * STEP_MS, 10));
    h.send("cam", frame(7, 11 * STEP_MS, 11));

    List<Prediction> out = h.predictions.readValuesToList();
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 10L), out.stream().map(Prediction::step).toList());
    Prediction afterGap = out.get(6);
    assertTrue(afterGap.warm(), "a padded gap keeps the window warm");
    assertEquals(6, afterGap.sequence());
    float[][] window = models.only().windowsSeen.get(6);
    assertArrayEquals(new float[][] {row(5), row(5), row(5), row(10)}, window);
  }

  @Test
  void shouldResetTheWindowAfterAGapLongerThanTheLimit() {
    start(DetectConfig.builder().property(DetectConfig.GAP_MAX_STEPS_CONFIG, 8));
    for (int s = 0; s < 6; s++) {
      h.send("cam", frame(s, s * STEP_MS, s));
    }
    // 9 missing steps (6..14) > 8: cold start at step 15
    h.send("cam", frame(6, 15 * STEP_MS, 15));
    h.send("cam", frame(7, 16 * STEP_MS, 16));

    List<Prediction> out = h.predictions.readValuesToList();
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 0L), out.stream().map(Prediction::step).toList());
    assertTrue(out.get(5).warm(), "the step before the gap is still predicted, warm");
    Prediction reset = out.get(6);
    assertFalse(reset.warm(), "cold start again");
    assertEquals(6, reset.sequence());
    assertEquals(T0 + 15 * STEP_MS, reset.captureTimeMs());
    assertArrayEquals(
        new float[][] {row(15)},
        models.only().windowsSeen.get(6),
        "the model gets only the step after the reset (it pads a short window itself)");
  }

  @Test
  void shouldDropAFrameOfAClosedStepAsLateButKeepTheLatestFrameOfTheOpenStep() {
    start();
    h.send("cam", frame(0, 0, 0));
    h.send("cam", frame(2, 300, 2)); // step 1 opens, step 0 closes
    h.send("cam", frame(1, 200, 1)); // step 0: closed, beyond the one-step grace
    h.send("cam", frame(4, 480, 4)); // step 1, latest so far
    h.send("cam", frame(3, 400, 3)); // step 1, out of order but its step is open: kept, not used
    h.send("cam", frame(5, 500, 5)); // step 2: closes step 1

    List<Prediction> out = h.predictions.readValuesToList();
    assertEquals(List.of(0L, 4L), out.stream().map(Prediction::sequence).toList());
    assertEquals(T0 + 480, out.get(1).captureTimeMs());
    assertEquals(1, h.metrics.droppedCount(DetectorMetrics.REASON_LATE));
    assertEquals(0, h.metrics.droppedCount(DetectorMetrics.REASON_DUPLICATE));
    float[][] window = models.only().windowsSeen.get(1);
    assertEquals(2, window.length, "two steps seen so far");
    assertArrayEquals(row(4), window[1], "the step's embedding is its latest frame");
    assertArrayEquals(row(0), window[0]);
  }

  @Test
  void shouldDropADuplicateSequenceEvenInsideTheOpenStep() {
    start();
    h.send("cam", frame(0, 0, 0));
    h.send("cam", frame(1, 100, 1));
    h.send("cam", frame(1, 120, 9)); // same sequence again, open step
    h.send("cam", frame(0, 0, 0)); // same sequence again, closed step
    h.send("cam", frame(2, 260, 2));

    List<Prediction> out = h.predictions.readValuesToList();
    assertEquals(1, out.size());
    assertEquals(1, out.get(0).sequence());
    assertEquals(2, h.metrics.droppedCount(DetectorMetrics.REASON_DUPLICATE));
    assertEquals(0, h.metrics.droppedCount(DetectorMetrics.REASON_LATE));
    float[][] first = models.only().windowsSeen.get(0);
    assertArrayEquals(row(1), first[first.length - 1]);
  }

  @Test
  void shouldResetOnSequenceZeroAfterAHigherSequence() {
    start();
    for (int s = 0; s < 6; s++) {
      h.send("cam", frame(s, s * STEP_MS, s));
    }
    h.send("cam", frame(0, 6 * STEP_MS + 10, 50)); // restarted camera, no gap at all
    h.send("cam", frame(1, 7 * STEP_MS + 10, 51));

    List<Prediction> out = h.predictions.readValuesToList();
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 0L), out.stream().map(Prediction::step).toList());
    Prediction restarted = out.get(6);
    assertFalse(restarted.warm());
    assertEquals(0, restarted.sequence());
    assertEquals(T0 + 6 * STEP_MS + 10, restarted.captureTimeMs(), "the grid anchors there");
    assertEquals(0, h.metrics.droppedCount(DetectorMetrics.REASON_DUPLICATE));
  }

  @Test
  void shouldNotLetTheIdleCloseChangeWhatALaterFrameDoes() {
    start();
    h.send("cam", frame(0, 0, 0));
    h.send("cam", frame(1, 100, 1));
    h.advanceWallClock(1_000);
    assertEquals(1, h.predictions.readValuesToList().size(), "open step predicted when idle");
    h.send("cam", frame(2, 200, 2)); // same step, after it was predicted: late
    h.send("cam", frame(3, 300, 3));
    h.advanceWallClock(1_000);

    List<Prediction> out = h.predictions.readValuesToList();
    assertEquals(List.of(1L), out.stream().map(Prediction::step).toList());
    assertEquals(1, h.metrics.droppedCount(DetectorMetrics.REASON_LATE));
    assertTrue(h.predictions.isEmpty());
  }

  private static float[] row(float value) {
    float[] v = new float[DIM];
    java.util.Arrays.fill(v, value);
    return v;
  }
}
