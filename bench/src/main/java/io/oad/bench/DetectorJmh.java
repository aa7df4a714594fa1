package io.oad.bench;

import io.oad.detector.Detector;
import io.oad.detector.OadtrConfig;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH microbenchmark of {@link Detector#predict} at the paper configuration (3072-d input, T = 64,
 * 22 classes, seeded weights: the cost does not depend on the values). Score = milliseconds per
 * call; divide by {@code batch} for milliseconds per prediction. Run with {@code oad bench --jmh};
 * {@link MatmulJmh} gives the machine's matmul rate in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true"})
public class DetectorJmh {
  @Param({"1", "8", "32"})
  public int batch;

  private Detector detector;
  private float[][][] windows;

  /** Builds the model and a random batch once per trial. */
  @Setup(Level.Trial)
  public void setUp() {
    OadtrConfig c = OadtrConfig.thumos();
    detector =
        Detector.create(c, IntStream.range(0, c.numClasses()).mapToObj(i -> "c" + i).toList(), 1L);
    Random r = new Random(7);
    windows = new float[batch][c.window()][c.featureDim()];
    for (float[][] w : windows) {
      for (float[] row : w) {
        for (int i = 0; i < row.length; i++) {
          row[i] = (float) r.nextGaussian();
        }
      }
    }
  }

  /** One forward pass over the batch. */
  @Benchmark
  public Detector.Output predict() {
    return detector.predict(windows);
  }

  /** Releases the model. */
  @TearDown(Level.Trial)
  public void tearDown() {
    detector.close();
  }

  /** Names of the benchmarks of this class, for the runner's include pattern. */
  static List<String> includes() {
    return List.of(DetectorJmh.class.getName(), MatmulJmh.class.getName());
  }
}
