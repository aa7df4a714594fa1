package io.oad.topology;

import io.oad.contract.EmbeddingSerde;
import io.oad.contract.JsonSerde;
import io.oad.topology.internal.ActionEventsSupplier;
import io.oad.topology.internal.CameraLivenessSupplier;
import io.oad.topology.internal.InputGuardProcessor;
import io.oad.topology.internal.OutputSizeGuard;
import io.oad.topology.internal.WindowAndDetectSupplier;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * Wires the detector topology and does nothing else:
 *
 * <pre>
 * source "embeddings-source" (oad.embeddings, String camera → Embedding)
 *   → processor "embeddings-guard" (camera-id and capture-time rules; refusals dead-lettered)
 *     → processor "window-and-detect" with store "camera-windows"
 *         → sink "predictions-sink" (oad.predictions, String camera → JSON Prediction)
 *         → processor "action-events" with store "camera-episodes"
 *             → sink "events-sink" (oad.events, String camera → JSON ActionEvent)
 *     → processor "camera-liveness" with store "camera-last-seen" (and "camera-windows",
 *       "camera-episodes", to remove cameras silent longer than the retention)
 *         → sink "events-sink"
 * </pre>
 *
 * Both sinks refuse values larger than {@link DetectLimits#maxRecordBytes()} before the producer
 * sees them ({@code OutputSizeGuard}); the production exception handler dead-letters them.
 *
 * <p>All stores are persistent and changelogged. "window-and-detect" scores steps in batches across
 * the cameras and tasks of each stream thread ({@link DetectBatching}, from {@link
 * TopologyOptions#batching()}).
 *
 * <p>Every node and the store carry explicit names, pinned by a test, because generated names would
 * change with the topology and orphan the state.
 */
public final class DetectorTopology {
  /** Name of the source node. */
  public static final String SOURCE = "embeddings-source";

  /** Name of the processor that refuses embeddings breaking the camera-id or capture-time rule. */
  public static final String GUARD = "embeddings-guard";

  /** Name of the windowing and detection processor. */
  public static final String PROCESSOR = "window-and-detect";

  /**
   * Name of the per-camera window store (its changelog is {@code
   * <application.id>-camera-windows-changelog}).
   */
  public static final String STORE = "camera-windows";

  /** Name of the predictions sink node. */
  public static final String SINK = "predictions-sink";

  /** Name of the processor that turns predictions into action events. */
  public static final String EVENTS_PROCESSOR = "action-events";

  /** Name of the per-camera action episode store. */
  public static final String EPISODES_STORE = "camera-episodes";

  /** Name of the processor that reports cameras offline and online. */
  public static final String LIVENESS_PROCESSOR = "camera-liveness";

  /** Name of the per-camera wall-clock last-seen store. */
  public static final String LAST_SEEN_STORE = "camera-last-seen";

  /** Name of the events sink node. */
  public static final String EVENTS_SINK = "events-sink";

  private DetectorTopology() {}

  /**
   * Adds the detector's nodes to {@code topology} and returns it.
   *
   * @param models called once per processor instance (one per stream task); each call must return a
   *     new model that the processor owns and closes
   */
  public static Topology build(
      Topology topology,
      TopologyOptions options,
      Supplier<? extends StepModel> models,
      DetectorMetrics metrics) {
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(options, "options");
    topology.addSource(
        SOURCE, Serdes.String().deserializer(), new EmbeddingSerde(), options.embeddingsTopic());
    DetectLimits limits = options.limits();
    topology.addProcessor(
        GUARD, InputGuardProcessor.supplier(metrics, limits.maxCaptureAheadMs()), SOURCE);
    topology.addProcessor(
        PROCESSOR,
        new WindowAndDetectSupplier(models, metrics, STORE, options.timing(), options.batching()),
        GUARD);
    topology.addSink(
        SINK,
        options.predictionsTopic(),
        Serdes.String().serializer(),
        new OutputSizeGuard<>(JsonSerde.predictions(), limits.maxRecordBytes()),
        PROCESSOR);
    topology.addProcessor(
        EVENTS_PROCESSOR,
        new ActionEventsSupplier(metrics, EPISODES_STORE, options.rules(), options.timing()),
        PROCESSOR);
    topology.addProcessor(
        LIVENESS_PROCESSOR,
        new CameraLivenessSupplier(
            metrics,
            LAST_SEEN_STORE,
            STORE,
            EPISODES_STORE,
            options.rules().cameraOfflineMs(),
            limits.cameraRetentionMs()),
        GUARD);
    topology.connectProcessorAndStateStores(LIVENESS_PROCESSOR, STORE, EPISODES_STORE);
    topology.addSink(
        EVENTS_SINK,
        options.eventsTopic(),
        Serdes.String().serializer(),
        new OutputSizeGuard<>(JsonSerde.events(), limits.maxRecordBytes()),
        EVENTS_PROCESSOR,
        LIVENESS_PROCESSOR);
    return topology;
  }

  /**
   * A new topology with the detector's nodes, the topics of {@code config.options()}, and the
   * topology-level settings of {@code config} (explicit internal resource naming enforced). This is
   * the one {@link DetectorApp} runs.
   */
  public static Topology build(
      DetectConfig config, Supplier<? extends StepModel> models, DetectorMetrics metrics) {
    return build(config.newTopology(), config.options(), models, metrics);
  }

  /** A new topology with the detector's nodes. */
  public static Topology build(
      TopologyOptions options, Supplier<? extends StepModel> models, DetectorMetrics metrics) {
    return build(new Topology(), options, models, metrics);
  }

  /** A new topology with the detector's nodes, counting into unregistered metrics. */
  public static Topology build(TopologyOptions options, Supplier<? extends StepModel> models) {
    return build(options, models, new DetectorMetrics());
  }
}
