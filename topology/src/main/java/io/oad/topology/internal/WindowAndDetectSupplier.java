package io.oad.topology.internal;

import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.StepModel;
import io.oad.topology.StepTiming;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Creates a new {@link WindowAndDetectProcessor} (with its own model) on every {@link #get()} and
 * declares the persistent, changelogged per-camera window store it uses (see {@link
 * CameraWindowStore} for its layout).
 */
public final class WindowAndDetectSupplier
    implements ProcessorSupplier<String, Embedding, String, Prediction> {
  private final Supplier<? extends StepModel> models;
  private final DetectorMetrics metrics;
  private final String storeName;
  private final StepTiming timing;

  /**
   * A supplier whose processors use {@code models}, {@code metrics} and store {@code storeName}.
   */
  public WindowAndDetectSupplier(
      Supplier<? extends StepModel> models,
      DetectorMetrics metrics,
      String storeName,
      StepTiming timing) {
    this.timing = Objects.requireNonNull(timing, "timing");
    this.models = Objects.requireNonNull(models, "models");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
  }

  @Override
  public Processor<String, Embedding, String, Prediction> get() {
    return new WindowAndDetectProcessor(models, metrics, storeName, timing);
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    StoreBuilder<KeyValueStore<WindowKey, byte[]>> store =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(storeName), WindowKey.serde(), Serdes.ByteArray())
            .withLoggingEnabled(Map.of());
    return Set.of(store);
  }
}
