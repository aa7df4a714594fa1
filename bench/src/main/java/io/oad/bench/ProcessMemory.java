package io.oad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process (Java heap, native PyTorch buffers, thread stacks: everything),
 * from {@code /proc/self/status} on Linux.
 */
final class ProcessMemory {
  private ProcessMemory() {}

  /** VmRSS in bytes, or -1 where {@code /proc} is not available. */
  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024L; // the kernel reports kB
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Bytes of Java heap in use now. */
  static long heapUsedBytes() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
