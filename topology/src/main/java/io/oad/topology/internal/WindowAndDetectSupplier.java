package io.oad.topology.internal;

import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import io.oad.topology.DetectBatching;
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
 * CameraWindowStore} for its layout). Keeps one {@link StepBatcher} per stream thread, shared by
 * the processors of all tasks that thread runs.
 */
public final class WindowAndDetectSupplier
    implements ProcessorSupplier<String, Embedding, String, Prediction> {
  private final Supplier<? extends StepModel> models;
  private final DetectorMetrics metrics;
  private final String storeName;
  private final StepTiming timing;
  private final DetectBatching batching;
  private final ThreadLocal<StepBatcher> batchers;

  /**
   * A supplier whose processors use {@code models}, {@code metrics} and store {@code storeName},
   * and batch predictions as {@code batching} says.
   */
  public WindowAndDetectSupplier(
      Supplier<? extends StepModel> models,
      DetectorMetrics metrics,
      String storeName,
      StepTiming timing,
      DetectBatching batching) {
    this.timing = Objects.requireNonNull(timing, "timing");
    this.batching = Objects.requireNonNull(batching, "batching");
    this.batchers = ThreadLocal.withInitial(() -> new StepBatcher(batching, metrics));
    this.models = Objects.requireNonNull(models, "models");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
  }

  @Override
  public Processor<String, Embedding, String, Prediction> get() {
    return new WindowAndDetectProcessor(
        models, metrics, storeName, timing, batching, batchers::get);
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
