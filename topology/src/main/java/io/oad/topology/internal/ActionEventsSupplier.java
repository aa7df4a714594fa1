package io.oad.topology.internal;

import io.oad.contract.ActionEvent;
import io.oad.contract.Prediction;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.EventRules;
import io.oad.topology.StepTiming;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Creates a new {@link ActionEventsProcessor} on every {@link #get()} and declares its persistent,
 * changelogged per-camera episode store (camera → encoded {@link CameraEpisodes}).
 */
public final class ActionEventsSupplier
    implements ProcessorSupplier<String, Prediction, String, ActionEvent> {
  private final DetectorMetrics metrics;
  private final String storeName;
  private final EventRules rules;
  private final StepTiming timing;

  /** A supplier whose processors use these rules and timing and store {@code storeName}. */
  public ActionEventsSupplier(
      DetectorMetrics metrics, String storeName, EventRules rules, StepTiming timing) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.timing = Objects.requireNonNull(timing, "timing");
  }

  @Override
  public Processor<String, Prediction, String, ActionEvent> get() {
    return new ActionEventsProcessor(metrics, storeName, rules, timing);
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(storeName), Serdes.String(), Serdes.ByteArray())
            .withLoggingEnabled(Map.of()));
  }
}
