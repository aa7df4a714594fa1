package io.oad.ingest;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics of the ingest stage, labelled by camera.
 *
 * <p>Create one per process, {@link #register(PrometheusRegistry)} it, and hand it to every {@link
 * VideoIngestor}. The camera label is bounded: after {@link #MAX_CAMERAS} distinct cameras, further
 * cameras are counted under {@link #OTHER_CAMERA} so a misconfigured fleet cannot blow up the
 * time-series count. Thread-safe.
 */
public final class IngestMetrics {
  /** Frames decoded from sources. */
  public static final String FRAMES_READ = "oad_ingest_frames_read_total";

  /** Frames acknowledged by Kafka. */
  public static final String FRAMES_PUBLISHED = "oad_ingest_frames_published_total";

  /** Frames dropped by sampling to the target rate. */
  public static final String FRAMES_SKIPPED = "oad_ingest_frames_skipped_total";

  /** Attempts to reopen a failed, stalled or ended stream, by {@link #REASON_LABEL}. */
  public static final String RECONNECTS = "oad_ingest_reconnects_total";

  /** 1 while a camera's source is open and delivering frames, else 0. */
  public static final String CAMERA_CONNECTED = "oad_ingest_camera_connected";

  /** Time to decode one frame. */
  public static final String DECODE_SECONDS = "oad_ingest_decode_seconds";

  /** Time to resize and JPEG-encode one frame. */
  public static final String ENCODE_SECONDS = "oad_ingest_encode_seconds";

  /** Label naming the camera. */
  public static final String CAMERA_LABEL = "camera";

  /** Label naming why a source was reopened: {@code error}, {@code stall} or {@code eof}. */
  public static final String REASON_LABEL = "reason";

  /** Most distinct camera label values kept. */
  public static final int MAX_CAMERAS = 1000;

  /** Label value for cameras beyond {@link #MAX_CAMERAS}. */
  public static final String OTHER_CAMERA = "_other";

  private static final double[] SECONDS_BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0
  };

  private final Counter framesRead;
  private final Counter framesPublished;
  private final Counter framesSkipped;
  private final Counter reconnects;
  private final Gauge connected;
  private final Histogram decodeSeconds;
  private final Histogram encodeSeconds;
  private final Set<String> cameras = ConcurrentHashMap.newKeySet();

  /** Creates the metrics, not yet registered anywhere (they still count). */
  public IngestMetrics() {
    framesRead = counter(FRAMES_READ, "Frames decoded from video sources.");
    framesPublished = counter(FRAMES_PUBLISHED, "Frames acknowledged by Kafka on oad.frames.");
    framesSkipped = counter(FRAMES_SKIPPED, "Frames dropped by sampling to the target rate.");
    reconnects =
        Counter.builder()
            .name(RECONNECTS)
            .help("Attempts to reopen a failed, stalled or ended stream source.")
            .labelNames(CAMERA_LABEL, REASON_LABEL)
            .build();
    connected =
        Gauge.builder()
            .name(CAMERA_CONNECTED)
            .help("1 while the camera's source is open and delivering frames, else 0.")
            .labelNames(CAMERA_LABEL)
            .build();
    decodeSeconds = histogram(DECODE_SECONDS, "Time to decode one video frame.");
    encodeSeconds = histogram(ENCODE_SECONDS, "Time to resize and JPEG-encode one frame.");
  }

  /** Registers all metrics with the registry; returns this for chaining. */
  public IngestMetrics register(PrometheusRegistry registry) {
    registry.register(framesRead);
    registry.register(framesPublished);
    registry.register(framesSkipped);
    registry.register(reconnects);
    registry.register(connected);
    registry.register(decodeSeconds);
    registry.register(encodeSeconds);
    return this;
  }

  /** The data points of one camera, resolved once per run. */
  Camera forCamera(String cameraId) {
    String label = label(cameraId);
    Map<DisconnectReason, CounterDataPoint> byReason = new EnumMap<>(DisconnectReason.class);
    for (DisconnectReason reason : DisconnectReason.values()) {
      byReason.put(reason, reconnects.labelValues(label, reason.label()));
    }
    return new Camera(
        framesRead.labelValues(label),
        framesPublished.labelValues(label),
        framesSkipped.labelValues(label),
        byReason,
        connected.labelValues(label),
        decodeSeconds.labelValues(label),
        encodeSeconds.labelValues(label));
  }

  /**
   * Drops the connection gauge of a camera that is no longer configured, so no stale state is
   * exported; its counters stay (they are cumulative).
   */
  public void removeCamera(String cameraId) {
    if (cameras.contains(cameraId)) {
      connected.remove(cameraId);
    }
  }

  /** The label value used for a camera, bounded to {@link #MAX_CAMERAS} distinct values. */
  String label(String cameraId) {
    if (cameras.contains(cameraId)) {
      return cameraId;
    }
    synchronized (cameras) {
      if (cameras.size() < MAX_CAMERAS) {
        cameras.add(cameraId);
        return cameraId;
      }
    }
    return OTHER_CAMERA;
  }

  private static Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).labelNames(CAMERA_LABEL).build();
  }

  private static Histogram histogram(String name, String help) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .unit(Unit.SECONDS)
        .labelNames(CAMERA_LABEL)
        .classicOnly()
        .classicUpperBounds(SECONDS_BUCKETS)
        .build();
  }

  /** One camera's data points. */
  record Camera(
      CounterDataPoint read,
      CounterDataPoint published,
      CounterDataPoint skipped,
      Map<DisconnectReason, CounterDataPoint> reconnectsByReason,
      GaugeDataPoint connected,
      DistributionDataPoint decode,
      DistributionDataPoint encode) {
    /** The reconnect counter of one reason. */
    CounterDataPoint reconnects(DisconnectReason reason) {
      return reconnectsByReason.get(reason);
    }
  }
}
