package io.oad.service;

import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads committed predictions from the beginning, grouped by camera in arrival (= step) order. */
public final class PredictionReader {
  private PredictionReader() {}

  /**
   * Reads until {@code expected} predictions arrived (then 2 s more, to catch duplicates), or
   * nothing new came for 30 s, or the timeout passed.
   */
  public static Map<String, List<Prediction>> read(
      String bootstrap, long expected, Duration timeout) {
    Map<String, List<Prediction>> got = new TreeMap<>();
    long[] n = {0};
    long now = System.nanoTime();
    long deadline = now + timeout.toNanos();
    long lastNew = now;
    long extraUntil = Long.MAX_VALUE;
    OutputReader.Listener collect =
        new OutputReader.Listener() {
          @Override
          public void prediction(Prediction p) {
            got.computeIfAbsent(p.camera(), k -> new ArrayList<>()).add(p);
            n[0]++;
          }
        };
    try (OutputReader reader =
        OutputReader.open(bootstrap, OutputReader.Options.earliest().topics(Topics.PREDICTIONS))) {
      while (true) {
        now = System.nanoTime();
        if (now > deadline
            || now > extraUntil
            || now - lastNew > Duration.ofSeconds(30).toNanos()) {
          break;
        }
        if (reader.poll(Duration.ofMillis(200), collect) > 0) {
          lastNew = System.nanoTime();
        }
        if (n[0] >= expected && extraUntil == Long.MAX_VALUE) {
          extraUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    return got;
  }
}
