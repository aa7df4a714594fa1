package io.oad.topology.internal;

import io.oad.contract.ActionEvent;
import io.oad.contract.Embedding;
import io.oad.topology.DetectorMetrics;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Creates a new {@link CameraLivenessProcessor} on every {@link #get()} and declares its
 * persistent, changelogged last-seen store (camera → wall-clock last-seen time and offline flag).
 * The window and episode stores its processors also use (to remove expired cameras) are declared by
 * their own processors and connected by {@code DetectorTopology}.
 */
public final class CameraLivenessSupplier
    implements ProcessorSupplier<String, Embedding, String, ActionEvent> {
  private final DetectorMetrics metrics;
  private final String storeName;
  private final String windowsStoreName;
  private final String episodesStoreName;
  private final long offlineMs;
  private final long retentionMs;

  /**
   * A supplier whose processors report cameras silent for {@code offlineMs} and remove cameras
   * silent for {@code retentionMs} from all three stores.
   */
  public CameraLivenessSupplier(
      DetectorMetrics metrics,
      String storeName,
      String windowsStoreName,
      String episodesStoreName,
      long offlineMs,
      long retentionMs) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.windowsStoreName = Objects.requireNonNull(windowsStoreName, "windowsStoreName");
    this.episodesStoreName = Objects.requireNonNull(episodesStoreName, "episodesStoreName");
    this.offlineMs = offlineMs;
    this.retentionMs = retentionMs;
  }

  @Override
  public Processor<String, Embedding, String, ActionEvent> get() {
    return new CameraLivenessProcessor<>(
        metrics, storeName, windowsStoreName, episodesStoreName, offlineMs, retentionMs);
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(storeName), Serdes.String(), Serdes.ByteArray())
            .withLoggingEnabled(Map.of()));
  }
}
