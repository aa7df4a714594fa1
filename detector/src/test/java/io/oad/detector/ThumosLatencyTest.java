package io.oad.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Measures (and prints) the time per call of the THUMOS-size model at batch 1 and 8. */
class ThumosLatencyTest {

  @Test
  void shouldPredictThumosWindowsAndReportLatency() {
    OadtrConfig config = OadtrConfig.thumos();
    List<String> classes = new ArrayList<>();
    for (int i = 0; i < config.numClasses(); i++) {
      classes.add("class" + i);
    }
    try (Detector d = Detector.create(config, classes, 7)) {
      for (int batch : new int[] {1, 8}) {
        float[][][] in = windows(config, batch);
        d.predict(in); // warm-up
        int runs = batch == 1 ? 5 : 2;
        double[] ms = new double[runs];
        Detector.Output out = null;
        for (int i = 0; i < runs; i++) {
          long start = System.nanoTime();
          out = d.predict(in);
          ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(
            "THUMOS OadTR latency: batch %d: best %.1f ms, median %.1f ms per call"
                + " (best %.1f ms per window; load average %.1f)%n",
            batch,
            ms[0],
            ms[runs / 2],
            ms[0] / batch,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        assertEquals(batch, out.current().length);
        assertEquals(config.futureSteps(), out.future()[0].length);
      }
    }
  }

  private static float[][][] windows(OadtrConfig config, int batch) {
    Random random = new Random(batch);
    float[][][] w = new float[batch][config.window()][config.featureDim()];
    for (float[][] window : w) {
      for (float[] step : window) {
        for (int i = 0; i < step.length; i++) {
          step[i] = random.nextFloat();
        }
      }
    }
    return w;
  }
}
