package io.oad.bench;

/**
 * Runs an action a few times untimed, then times it up to {@code iterations} times, stopping early
 * (after at least {@code MIN_TIMED} runs) once {@code maxSeconds} of timed work passed, so that
 * slow cases do not stall a benchmark run.
 */
record TimedLoop(int warmup, int iterations, double maxSeconds) {
  /** Fewest timed runs even when the time budget is spent. */
  static final int MIN_TIMED = 3;

  /** Validates the settings. */
  TimedLoop {
    if (warmup < 0) {
      throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
    }
    if (!(maxSeconds > 0)) {
      throw new IllegalArgumentException("maxSeconds must be > 0, got " + maxSeconds);
    }
  }

  /** Times {@code action}; returns the milliseconds of every timed run. */
  double[] time(Runnable action) {
    return timeWithCpu(action).wallMs();
  }

  /**
   * Wall time and CPU time of the process (all its threads: the caller and libtorch's intra-op
   * pool) of every timed run, in milliseconds. CPU time does not count the time the process waits
   * for a core, so it stays steady on a loaded machine where wall time swings.
   */
  record Timed(double[] wallMs, double[] cpuMs) {}

  /** Times {@code action} as {@link #time} does, with the CPU time of each run. */
  Timed timeWithCpu(Runnable action) {
    for (int i = 0; i < warmup; i++) {
      action.run();
    }
    double[] ms = new double[iterations];
    double[] cpu = new double[iterations];
    long budgetNanos = (long) (maxSeconds * 1e9);
    long spent = 0;
    int n = 0;
    while (n < iterations && (n < Math.min(MIN_TIMED, iterations) || spent < budgetNanos)) {
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      action.run();
      long took = System.nanoTime() - start;
      cpu[n] = (processCpuNanos() - cpuStart) / 1e6;
      spent += took;
      ms[n++] = took / 1e6;
    }
    return new Timed(java.util.Arrays.copyOf(ms, n), java.util.Arrays.copyOf(cpu, n));
  }

  /** CPU time of this process so far, or -1 where the JVM cannot tell. */
  static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
