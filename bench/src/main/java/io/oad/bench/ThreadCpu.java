package io.oad.bench;

import io.oad.service.ExtractorRole;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the CPU of the end-to-end run goes: CPU time of this JVM's threads between two samples,
 * summed by component (the extractor worker threads, the topology's stream threads, the broker, the
 * Kafka clients, the simulated cameras and the prediction reader). Threads that end between the
 * samples are not counted.
 */
final class ThreadCpu {
  /** Components, in report order; the extractor sums all its workers' threads. */
  static final String EXTRACTOR = "extractor";

  static final String DETECTOR = "detector stream threads";
  static final String CLIENTS = "kafka clients (producers, consumers, admin)";
  static final String BROKER = "broker and other";
  static final String CAMERAS = "bench cameras + reader";

  private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> start = new HashMap<>();

  /** Starts measuring now. */
  ThreadCpu() {
    if (mx.isThreadCpuTimeSupported() && !mx.isThreadCpuTimeEnabled()) {
      mx.setThreadCpuTimeEnabled(true);
    }
    for (long id : mx.getAllThreadIds()) {
      start.put(id, Math.max(0, mx.getThreadCpuTime(id)));
    }
  }

  /** CPU seconds per component since the start (threads started since count from zero). */
  Map<String, Double> secondsByComponent() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String c : new String[] {EXTRACTOR, DETECTOR, CLIENTS, BROKER, CAMERAS}) {
      out.put(c, 0.0);
    }
    for (long id : mx.getAllThreadIds()) {
      ThreadInfo info = mx.getThreadInfo(id);
      long now = mx.getThreadCpuTime(id);
      if (info == null || now < 0) {
        continue;
      }
      double seconds = (now - start.getOrDefault(id, 0L)) / 1e9;
      out.merge(component(info.getThreadName()), seconds, Double::sum);
    }
    return out;
  }

  static String component(String thread) {
    if (thread.equals(ExtractorRole.THREAD_PREFIX)
        || thread.startsWith(ExtractorRole.THREAD_PREFIX + "-")) {
      return EXTRACTOR;
    }
    if (thread.contains("StreamThread")) {
      return DETECTOR;
    }
    if (thread.startsWith("oad-bench-")) {
      return CAMERAS;
    }
    if (thread.startsWith("kafka-producer-network-thread")
        || thread.contains("consumer")
        || thread.contains("heartbeat")
        || thread.startsWith("kafka-admin-client")
        || thread.contains("StateUpdater")) {
      return CLIENTS;
    }
    return BROKER;
  }
}
