package io.oad.ingest;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
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

  /** Attempts to reopen a failed or ended stream. */
  public static final String RECONNECTS = "oad_ingest_reconnects_total";

  /** Time to decode one frame. */
  public static final String DECODE_SECONDS = "oad_ingest_decode_seconds";

  /** Time to resize and JPEG-encode one frame. */
  public static final String ENCODE_SECONDS = "oad_ingest_encode_seconds";

  /** Label naming the camera. */
  public static final String CAMERA_LABEL = "camera";

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
  private final Histogram decodeSeconds;
  private final Histogram encodeSeconds;
  private final Set<String> cameras = ConcurrentHashMap.newKeySet();

  /** Creates the metrics, not yet registered anywhere (they still count). */
  public IngestMetrics() {
    framesRead = counter(FRAMES_READ, "Frames decoded from video sources.");
    framesPublished = counter(FRAMES_PUBLISHED, "Frames acknowledged by Kafka on oad.frames.");
    framesSkipped = counter(FRAMES_SKIPPED, "Frames dropped by sampling to the target rate.");
    reconnects = counter(RECONNECTS, "Attempts to reopen a failed or ended stream source.");
    decodeSeconds = histogram(DECODE_SECONDS, "Time to decode one video frame.");
    encodeSeconds = histogram(ENCODE_SECONDS, "Time to resize and JPEG-encode one frame.");
  }

  /** Registers all metrics with the registry; returns this for chaining. */
  public IngestMetrics register(PrometheusRegistry registry) {
    registry.register(framesRead);
    registry.register(framesPublished);
    registry.register(framesSkipped);
    registry.register(reconnects);
    registry.register(decodeSeconds);
    registry.register(encodeSeconds);
    return this;
  }

  /** The data points of one camera, resolved once per run. */
  Camera forCamera(String cameraId) {
    String label = label(cameraId);
    return new Camera(
        framesRead.labelValues(label),
        framesPublished.labelValues(label),
        framesSkipped.labelValues(label),
        reconnects.labelValues(label),
        decodeSeconds.labelValues(label),
        encodeSeconds.labelValues(label));
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
      CounterDataPoint reconnects,
      DistributionDataPoint decode,
      DistributionDataPoint encode) {}
}
