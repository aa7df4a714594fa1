package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.FutureStep;
import io.oad.contract.Prediction;
import io.oad.topology.internal.WindowKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batching across cameras on the whole topology with a real (tiny, seeded) OadTR: every step gets
 * exactly one prediction, in step order per camera, with the scores of batch 1; a step waits at
 * most the configured time; and steps still waiting when the task stops are predicted from the
 * store when it runs again.
 */
class BatchedDetectionTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final int CAMERAS = 6;
  private static final int STEPS = 14;
  private static final String CHANGELOG = "oad-detector-camera-windows-changelog";
  private static final int T = 6;
  private static final int DIM = 48;

  @TempDir Path stateDir;
  private DriverHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private record Frame(String camera, Embedding embedding) {}

  /**
   * Frames of 6 cameras at 4 steps/s, staggered by a few ms; even cameras send a second frame in
   * each step (dropped as extra_frame, but only after the step's waiting prediction was made).
   */
  private static List<Frame> frames() {
    int dim = DIM;
    Random random = new Random(3);
    List<Frame> frames = new ArrayList<>();
    for (int c = 0; c < CAMERAS; c++) {
      long seq = 0;
      for (int i = 0; i < STEPS; i++) {
        int perStep = c % 2 == 0 ? 2 : 1;
        for (int k = 0; k < perStep; k++) {
          float[] v = new float[dim];
          for (int d = 0; d < dim; d++) {
            v[d] = (float) random.nextGaussian();
          }
          long t = T0 + i * 250L + c * 7L + k * 100L;
          frames.add(new Frame("cam-" + c, new Embedding(seq++, t, "test", v)));
        }
      }
    }
    frames.sort(Comparator.comparingLong(f -> f.embedding().captureTimeMs()));
    return frames;
  }

  private DriverHarness start(int maxBatch, long maxWaitMs) {
    return start(maxBatch, maxWaitMs, "first");
  }

  private DriverHarness start(int maxBatch, long maxWaitMs, String emit) {
    return new DriverHarness(
        DetectConfig.builder()
            .stateDir(stateDir)
            .property(DetectConfig.STEP_EMIT_CONFIG, emit)
            .property(DetectConfig.DETECT_BATCH_MAX_CONFIG, maxBatch)
            .property(DetectConfig.DETECT_BATCH_MAX_WAIT_MS_CONFIG, maxWaitMs)
            .build(),
        WindowMixModel::new,
        Instant.ofEpochMilli(T0));
  }

  /** Pipes the frames 4 ms of wall clock apart, then lets the last batch run. */
  private Map<String, List<Prediction>> run(DriverHarness harness) {
    for (Frame f : frames()) {
      harness.send(f.camera(), f.embedding());
      harness.advanceWallClock(4);
    }
    // long enough for the idle close of the 'last' mode (1 s), then for its batch
    harness.advanceWallClock(1_300);
    harness.advanceWallClock(100);
    Map<String, List<Prediction>> byCamera = new LinkedHashMap<>();
    for (KeyValue<String, Prediction> kv : harness.predictions.readKeyValuesToList()) {
      byCamera.computeIfAbsent(kv.key, k -> new ArrayList<>()).add(kv.value);
    }
    return byCamera;
  }

  @Test
  void shouldPredictEveryStepOnceInOrderWithTheScoresOfBatchOne() {
    shouldMatchBatchOne("first");
  }

  @Test
  void shouldMatchBatchOneWhenStepsArePredictedFromTheirLastFrame() {
    shouldMatchBatchOne("last");
  }

  private void shouldMatchBatchOne(String emit) {
    h = start(1, 0, emit);
    Map<String, List<Prediction>> single = run(h);
    assertEquals(CAMERAS * STEPS, h.metrics.batchCount(), "batch 1: one model call per step");
    h.close();

    h = start(4, 20, emit);
    Map<String, List<Prediction>> batched = run(h);
    long calls = h.metrics.batchCount();
    assertEquals(CAMERAS * STEPS, h.metrics.batchedSteps(), "every step scored once");
    // 'last' closes most steps when the next frame arrives and scores them at once (with whatever
    // waits); only the idle closes at the end wait for a batch
    int most = emit.equals("first") ? CAMERAS * STEPS / 2 : CAMERAS * STEPS - CAMERAS / 2;
    assertTrue(calls <= most, "steps were batched: " + calls + " model calls");

    assertEquals(single.keySet(), batched.keySet());
    for (String camera : single.keySet()) {
      List<Prediction> a = single.get(camera);
      List<Prediction> b = batched.get(camera);
      assertEquals(STEPS, a.size(), camera);
      assertEquals(STEPS, b.size(), camera + ": exactly one prediction per step");
      for (int i = 0; i < STEPS; i++) {
        Prediction x = a.get(i);
        Prediction y = b.get(i);
        String where = camera + " step " + i;
        assertEquals(i, y.step(), where + ": step order");
        assertEquals(x.sequence(), y.sequence(), where);
        assertEquals(x.captureTimeMs(), y.captureTimeMs(), where);
        assertEquals(x.warm(), y.warm(), where);
        assertEquals(x.modelId(), y.modelId(), where);
        assertEquals(x.scores().keySet(), y.scores().keySet(), where);
        for (String cls : x.scores().keySet()) {
          assertEquals(x.scores().get(cls), y.scores().get(cls), 1e-5, where + " " + cls);
        }
        assertEquals(x.future().size(), y.future().size(), where);
        for (int f = 0; f < x.future().size(); f++) {
          FutureStep fx = x.future().get(f);
          FutureStep fy = y.future().get(f);
          assertEquals(fx.offset(), fy.offset(), where);
          assertEquals(fx.score(), fy.score(), 1e-5, where + " future " + fx.offset());
        }
      }
    }
    assertTrue(h.predictions.isEmpty());
  }

  @Test
  void shouldHoldAStepNoLongerThanTheMaxWait() {
    h = start(32, 20);
    Frame first = frames().get(0);
    h.send(first.camera(), first.embedding());
    assertTrue(h.predictions.isEmpty(), "the step waits for others");
    h.advanceWallClock(10);
    assertTrue(h.predictions.isEmpty(), "still within the wait");
    h.advanceWallClock(10);
    Prediction p = h.predictions.readValue();
    assertEquals(first.embedding().sequence(), p.sequence());
    assertEquals(1, h.metrics.batchCount());
    assertTrue(h.predictions.isEmpty());
  }

  @Test
  void shouldScoreAFullBatchAtOnce() {
    h = start(3, 10_000);
    List<Frame> frames = frames().subList(0, 3);
    frames.forEach(f -> h.send(f.camera(), f.embedding()));
    assertEquals(3, h.predictions.readValuesToList().size(), "a full batch does not wait");
    assertEquals(1, h.metrics.batchCount());
  }

  @Test
  void shouldPredictStepsThatWaitedWhenTheTaskStoppedOnceItRunsAgain() {
    h = start(32, 20);
    List<Frame> frames = frames();
    List<Frame> firstThree = frames.subList(0, 3);
    firstThree.forEach(f -> h.send(f.camera(), f.embedding()));
    assertTrue(h.predictions.isEmpty(), "all three wait in the batch");
    List<KeyValue<WindowKey, byte[]>> logged =
        h.driver
            .createOutputTopic(
                CHANGELOG, WindowKey.serde().deserializer(), new ByteArrayDeserializer())
            .readKeyValuesToList();
    h.close();

    // the task runs again from its changelog (as after a crash or a move to another instance)
    h = start(32, 20);
    KeyValueStore<WindowKey, byte[]> store = h.driver.getKeyValueStore(DetectorTopology.STORE);
    logged.forEach(kv -> store.put(kv.key, kv.value));
    h.advanceWallClock(25);
    List<KeyValue<String, Prediction>> recovered = h.predictions.readKeyValuesToList();
    assertEquals(
        firstThree.stream().map(Frame::camera).sorted().toList(),
        recovered.stream().map(kv -> kv.key).sorted().toList());
    recovered.forEach(kv -> assertEquals(0, kv.value.step()));

    // the next frames continue the stream: no step predicted twice
    Frame next = frames.stream().filter(f -> f.camera().equals("cam-1")).toList().get(1);
    h.send(next.camera(), next.embedding());
    h.advanceWallClock(25);
    List<Prediction> after = h.predictions.readValuesToList();
    assertEquals(1, after.size());
    assertEquals(1, after.get(0).step());
    assertTrue(h.predictions.isEmpty());
  }

  /**
   * A pure-Java model whose scores depend on every row of the window and on its position, so a
   * batch that mixed up cameras, rows or the padding of a short window would change predictions.
   */
  static final class WindowMixModel implements StepModel {
    private static final List<String> CLASSES = List.of("bg", "a", "b", "c", "d");

    @Override
    public int window() {
      return T;
    }

    @Override
    public int featureDim() {
      return DIM;
    }

    @Override
    public List<String> classNames() {
      return CLASSES;
    }

    @Override
    public String modelId() {
      return "window-mix";
    }

    @Override
    public Output predict(float[][][] windows) {
      int c = CLASSES.size();
      float[][] current = new float[windows.length][];
      float[][][] future = new float[windows.length][2][];
      for (int b = 0; b < windows.length; b++) {
        float[][] w = windows[b];
        double[] logits = new double[c];
        for (int r = 0; r < w.length; r++) {
          double weight = (T - w.length + r + 1) / (double) T;
          for (int k = 0; k < c; k++) {
            logits[k] += weight * (w[r][k] + 0.5 * w[r][(k * 7 + r) % DIM]);
          }
        }
        current[b] = softmax(logits);
        for (int f = 0; f < 2; f++) {
          double[] shifted = new double[c];
          for (int k = 0; k < c; k++) {
            shifted[k] = logits[(k + f + 1) % c];
          }
          future[b][f] = softmax(shifted);
        }
      }
      return new Output(current, future);
    }

    private static float[] softmax(double[] logits) {
      double max = Double.NEGATIVE_INFINITY;
      for (double l : logits) {
        max = Math.max(max, l);
      }
      double sum = 0;
      float[] p = new float[logits.length];
      for (int k = 0; k < logits.length; k++) {
        sum += Math.exp(logits[k] - max);
      }
      for (int k = 0; k < logits.length; k++) {
        p[k] = (float) (Math.exp(logits[k] - max) / sum);
      }
      return p;
    }
  }
}
