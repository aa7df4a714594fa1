package io.oad.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH reference: a 1024×1024 fp32 matrix product on the PyTorch engine (2·1024³ FLOP per call), the
 * rate the detector's GFLOP/s is compared with.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true"})
public class MatmulJmh {
  /** FLOPs of one call. */
  public static final double FLOP = 2.0 * 1024 * 1024 * 1024;

  private NDManager manager;
  private NDArray a;
  private NDArray b;

  /** Allocates the operands. */
  @Setup(Level.Trial)
  public void setUp() {
    manager = Engine.getEngine("PyTorch").newBaseManager();
    a = manager.randomNormal(new Shape(1024, 1024));
    b = manager.randomNormal(new Shape(1024, 1024));
  }

  /** One product; the result is read back so the work cannot be skipped. */
  @Benchmark
  public float matmul() {
    try (NDArray c = a.matMul(b)) {
      return c.getFloat(0, 0);
    }
  }

  /** Frees the operands. */
  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }
}
