package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default step mode: a step is predicted as soon as its first frame arrives, so no prediction
 * waits for the next step, and further frames of a predicted step are dropped.
 */
class FirstFrameEmitTest {
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

  @Test
  void shouldPredictEveryStepOnItsFirstFrameWhateverTheCameraRate() {
    h =
        new DriverHarness(
            DetectConfig.builder().stateDir(stateDir).build(), models, Instant.ofEpochMilli(T0));
    int fast = 0;
    for (long t = 0; t < 10_000; t += 40) {
      h.send("cam-25fps", frame(fast++, t));
    }
    int slow = 0;
    for (long t = 0; t < 10_000; t += 200) {
      h.send("cam-5fps", frame(slow++, t));
    }
    List<Prediction> all = h.predictions.readValuesToList();
    List<Prediction> p25 = all.stream().filter(p -> p.camera().equals("cam-25fps")).toList();
    List<Prediction> p5 = all.stream().filter(p -> p.camera().equals("cam-5fps")).toList();
    // 10 s at 4 steps/s, every step predicted without waiting for a later frame
    assertEquals(40, p25.size());
    assertEquals(40, p5.size());
    for (int i = 0; i < 40; i++) {
      assertEquals(i, p25.get(i).step());
      // the first frame of step i is the one captured at i * 250 ms (25 fps: frames every 40 ms
      // from 0)
      long firstFrameTime = ((i * 250L + 39) / 40) * 40;
      assertEquals(T0 + firstFrameTime, p25.get(i).captureTimeMs(), "step " + i);
      assertEquals(T0 + ((i * 250L + 199) / 200) * 200, p5.get(i).captureTimeMs(), "step " + i);
    }
    assertTrue(h.predictions.isEmpty());
  }
}
