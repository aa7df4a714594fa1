package io.oad.topology.internal;

import io.oad.contract.ActionEvent;
import io.oad.contract.Prediction;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.EventRules;
import io.oad.topology.StepTiming;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns predictions into action events with {@link EpisodeTracker}, keeping each camera's episode
 * state in the {@code camera-episodes} store. Events carry the camera as key and the capture time
 * of the prediction that caused them as timestamp.
 */
public final class ActionEventsProcessor
    implements Processor<String, Prediction, String, ActionEvent> {
  private final DetectorMetrics metrics;
  private final String storeName;
  private final EpisodeTracker tracker;

  private ProcessorContext<String, ActionEvent> context;
  private KeyValueStore<String, byte[]> store;

  /** A processor with these rules and timing, keeping its state in {@code storeName}. */
  public ActionEventsProcessor(
      DetectorMetrics metrics, String storeName, EventRules rules, StepTiming timing) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.tracker = new EpisodeTracker(rules, timing);
  }

  @Override
  public void init(ProcessorContext<String, ActionEvent> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, Prediction> record) {
    Prediction p = record.value();
    if (record.key() == null || p == null) {
      return;
    }
    byte[] raw = store.get(record.key());
    CameraEpisodes state = raw == null ? new CameraEpisodes() : CameraEpisodes.decode(raw);
    for (ActionEvent event : tracker.update(state, p)) {
      context.forward(new Record<>(record.key(), event, p.captureTimeMs()));
      metrics.event(event.type().name());
    }
    if (state.byAction.isEmpty()) {
      if (raw != null) {
        store.delete(record.key());
      }
    } else {
      store.put(record.key(), state.encode());
    }
  }
}
