package io.oad.bench;

import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.service.OutputReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads committed predictions on its own thread and notes, for each, when it arrived: the
 * capture-to-arrival time is the latency a downstream consumer sees (the prediction's own {@code
 * latencyMs} stops when the topology made it, before the produce and the transaction commit).
 */
final class PredictionCollector implements AutoCloseable {
  /** One received prediction: arrival wall time, capture-to-arrival and the topology's latency. */
  record Arrival(long arrivalMs, long endToEndMs, long topologyMs, boolean warm) {}

  private final OutputReader reader;
  private final List<Arrival> arrivals = new ArrayList<>();

  PredictionCollector(String bootstrap) {
    this.reader =
        OutputReader.open(bootstrap, OutputReader.Options.earliest().topics(Topics.PREDICTIONS));
  }

  /** Starts reading. */
  PredictionCollector start() {
    reader.start(
        new OutputReader.Listener() {
          @Override
          public void prediction(Prediction pr) {
            long now = System.currentTimeMillis();
            synchronized (arrivals) {
              arrivals.add(new Arrival(now, now - pr.captureTimeMs(), pr.latencyMs(), pr.warm()));
            }
          }
        },
        "oad-bench-reader");
    return this;
  }

  /** A copy of what arrived so far; rethrows a failure of the reading thread. */
  List<Arrival> arrivals() {
    if (reader.unreadable() > 0) {
      throw new IllegalStateException(reader.unreadable() + " predictions did not decode");
    }
    synchronized (arrivals) {
      return new ArrayList<>(arrivals);
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
