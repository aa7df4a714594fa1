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
    return timeWithCpu(action, false).wallMs();
  }

  /**
   * Wall time and CPU time of every timed run, in milliseconds. CPU time does not count the time
   * spent waiting for a core, so it stays steady on a loaded machine where wall time swings.
   */
  record Timed(double[] wallMs, double[] cpuMs) {}

  /**
   * Times {@code action} as {@link #time} does, with the CPU time of each run: of the calling
   * thread alone (exact to the nanosecond; all of libtorch's work at one intra-op thread runs on
   * it), or with {@code wholeProcess} of every thread of the process, libtorch's intra-op pool
   * included (Linux: the sum of /proc/self/task/N/schedstat; NaN elsewhere).
   */
  Timed timeWithCpu(Runnable action, boolean wholeProcess) {
    for (int i = 0; i < warmup; i++) {
      action.run();
    }
    double[] ms = new double[iterations];
    double[] cpu = new double[iterations];
    long budgetNanos = (long) (maxSeconds * 1e9);
    long spent = 0;
    int n = 0;
    while (n < iterations && (n < Math.min(MIN_TIMED, iterations) || spent < budgetNanos)) {
      long cpuStart = cpuNanos(wholeProcess);
      long start = System.nanoTime();
      action.run();
      long took = System.nanoTime() - start;
      long cpuEnd = cpuNanos(wholeProcess);
      cpu[n] = cpuStart < 0 || cpuEnd < 0 ? Double.NaN : (cpuEnd - cpuStart) / 1e6;
      spent += took;
      ms[n++] = took / 1e6;
    }
    return new Timed(java.util.Arrays.copyOf(ms, n), java.util.Arrays.copyOf(cpu, n));
  }

  /** CPU nanoseconds of this thread or of the whole process so far; -1 when unknown. */
  static long cpuNanos(boolean wholeProcess) {
    if (!wholeProcess) {
      return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
    // the JVM's process CPU time counts in clock ticks (10 ms); the scheduler's own per-thread
    // run time (first field of schedstat) is in nanoseconds
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return -1;
    }
    long sum = 0;
    for (java.io.File task : tasks) {
      try {
        String stat = java.nio.file.Files.readString(task.toPath().resolve("schedstat"));
        sum += Long.parseLong(stat.substring(0, stat.indexOf(' ')));
      } catch (java.io.IOException | RuntimeException e) {
        // a thread that ended meanwhile: its time is lost either way
      }
    }
    return sum;
  }
}
