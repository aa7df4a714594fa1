package io.oad.service.models;

import io.oad.topology.SwappableStepModel;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
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

  /** Score calls a shadow version answered next to the serving one. */
  public static final String SHADOW_PREDICTIONS_TOTAL = "oad_model_shadow_predictions_total";

  /** Shadow answers whose current top class equals the serving version's. */
  public static final String SHADOW_AGREEMENTS_TOTAL = "oad_model_shadow_agreements_total";

  /** Score calls the shadow version failed. */
  public static final String SHADOW_FAILURES_TOTAL = "oad_model_shadow_failures_total";

  /** Largest absolute difference of a current-class probability, shadow vs serving. */
  public static final String SHADOW_SCORE_DIFFERENCE = "oad_model_shadow_score_difference";

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
  private final Counter shadowPredictions;
  private final Counter shadowAgreements;
  private final Counter shadowFailures;
  private final Histogram shadowDifference;
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
    shadowPredictions =
        Counter.builder()
            .name(SHADOW_PREDICTIONS_TOTAL)
            .help("Score calls a shadow model version answered next to the serving one")
            .labelNames(ROLE_LABEL, MODEL_ID_LABEL)
            .build();
    shadowAgreements =
        Counter.builder()
            .name(SHADOW_AGREEMENTS_TOTAL)
            .help("Shadow answers whose current top class equals the serving version's")
            .labelNames(ROLE_LABEL, MODEL_ID_LABEL)
            .build();
    shadowFailures =
        Counter.builder()
            .name(SHADOW_FAILURES_TOTAL)
            .help("Score calls the shadow model version failed")
            .labelNames(ROLE_LABEL, MODEL_ID_LABEL)
            .build();
    shadowDifference =
        Histogram.builder()
            .name(SHADOW_SCORE_DIFFERENCE)
            .help("Largest absolute difference of a current-class probability, shadow vs serving")
            .labelNames(ROLE_LABEL, MODEL_ID_LABEL)
            .classicOnly()
            .classicUpperBounds(0.01, 0.05, 0.1, 0.2, 0.5, 1)
            .build();
  }

  /** Registers every metric with {@code registry}; returns {@code this}. */
  public ModelMetrics register(PrometheusRegistry registry) {
    registry.register(info);
    registry.register(reloads);
    registry.register(failures);
    registry.register(shadowPredictions);
    registry.register(shadowAgreements);
    registry.register(shadowFailures);
    registry.register(shadowDifference);
    return this;
  }

  /**
   * An observer that exports how the shadow version {@code id} of {@code role} compares with the
   * serving one: answers, top-class agreements, failures and the largest probability difference per
   * window (only when both versions have the same classes).
   */
  public SwappableStepModel.ShadowObserver shadowObserver(String role, String id) {
    return (serving, shadow, nanos) -> {
      if (shadow == null) {
        shadowFailures.labelValues(role, id).inc();
        return;
      }
      shadowPredictions.labelValues(role, id).inc();
      float[][] a = serving.output().current();
      float[][] b = shadow.output().current();
      boolean sameClasses = serving.classNames().equals(shadow.classNames());
      for (int row = 0; row < Math.min(a.length, b.length); row++) {
        if (serving
            .classNames()
            .get(argmax(a[row]))
            .equals(shadow.classNames().get(argmax(b[row])))) {
          shadowAgreements.labelValues(role, id).inc();
        }
        if (sameClasses && a[row].length == b[row].length) {
          double max = 0;
          for (int c = 0; c < a[row].length; c++) {
            max = Math.max(max, Math.abs(a[row][c] - b[row][c]));
          }
          shadowDifference.labelValues(role, id).observe(max);
        }
      }
    };
  }

  private static int argmax(float[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Notes that {@code modelId} serves in {@code role} (at start or after a swap). */
  public synchronized void serving(String role, String modelId) {
    String before = serving.put(role, modelId);
    if (before != null && !before.equals(modelId)) {
      info.remove(role, before);
    }
    info.labelValues(role, modelId).set(1);
    // exported at 0 from the start, so a dashboard shows "none" rather than "no data"
    reloads.labelValues(role);
    failures.labelValues(role);
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
