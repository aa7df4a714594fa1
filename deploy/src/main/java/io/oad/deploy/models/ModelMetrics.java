package io.oad.deploy.models;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * Which model version serves in each role, and how model updates went. One instance per process
 * (the demo's roles share it through the {@code role} label).
 */
public final class ModelMetrics {
  /** 1 for the version serving in a role; a replaced version's series is removed. */
  public static final String MODEL_INFO = "oad_model_info";

  /** New versions put in service. */
  public static final String MODEL_RELOADS_TOTAL = "oad_model_reloads_total";

  /** New versions refused (cannot be loaded, wrong shape, smoke prediction failed). */
  public static final String MODEL_RELOAD_FAILURES_TOTAL = "oad_model_reload_failures_total";

  /** Role label: {@code detector} or {@code extractor}. */
  public static final String ROLE_LABEL = "role";

  /** Model id label of {@link #MODEL_INFO}. */
  public static final String MODEL_ID_LABEL = "model_id";

  /** Role of the detector topology's OadTR. */
  public static final String ROLE_DETECTOR = "detector";

  /** Role of the feature extractor's backbone. */
  public static final String ROLE_EXTRACTOR = "extractor";

  private final Gauge info;
  private final Counter reloads;
  private final Counter failures;
  private final Map<String, String> serving = new HashMap<>();

  /** Creates the metrics, not yet registered anywhere. */
  public ModelMetrics() {
    info =
        Gauge.builder()
            .name(MODEL_INFO)
            .help("1 for the model version serving in a role")
            .labelNames(ROLE_LABEL, MODEL_ID_LABEL)
            .build();
    reloads =
        Counter.builder()
            .name(MODEL_RELOADS_TOTAL)
            .help("New model versions put in service while running")
            .labelNames(ROLE_LABEL)
            .build();
    failures =
        Counter.builder()
            .name(MODEL_RELOAD_FAILURES_TOTAL)
            .help("New model versions refused; the previous version kept serving")
            .labelNames(ROLE_LABEL)
            .build();
  }

  /** Registers every metric with {@code registry}; returns {@code this}. */
  public ModelMetrics register(PrometheusRegistry registry) {
    registry.register(info);
    registry.register(reloads);
    registry.register(failures);
    return this;
  }

  /** Notes that {@code modelId} serves in {@code role} (at start or after a swap). */
  public synchronized void serving(String role, String modelId) {
    String before = serving.put(role, modelId);
    if (before != null && !before.equals(modelId)) {
      info.remove(role, before);
    }
    info.labelValues(role, modelId).set(1);
  }

  /** Notes a successful update in {@code role}. */
  public void reloaded(String role) {
    reloads.labelValues(role).inc();
  }

  /** Notes a refused update in {@code role}. */
  public void reloadFailed(String role) {
    failures.labelValues(role).inc();
  }
}
