package io.oad.service.alert;

import io.oad.contract.ActionEvent;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;

/**
 * Metrics of the {@code alert} role. Every labelled counter is exported at 0 for its known labels,
 * so that dashboards and alert rules see the series before the first failure.
 */
public final class AlertMetrics {
  public static final String DELIVERED = "oad_alert_delivered_total";
  public static final String FAILED_ATTEMPTS = "oad_alert_failed_attempts_total";
  public static final String DEADLETTERED = "oad_alert_deadlettered_total";
  public static final String SUPPRESSED = "oad_alert_suppressed_total";
  public static final String SKIPPED = "oad_alert_skipped_total";
  public static final String DELIVERY_SECONDS = "oad_alert_delivery_seconds";

  /** Reasons of failed attempts ({@link WebhookClient.Outcome#reason()}). */
  public static final List<String> ATTEMPT_REASONS =
      List.of("connection", "timeout", "http_5xx", "http_429", "http_4xx", "http_3xx");

  /** Reasons of dead letters. */
  public static final List<String> DEADLETTER_REASONS =
      List.of("attempts_exhausted", "refused", "undecodable");

  private final Counter delivered;
  private final Counter failedAttempts;
  private final Counter deadLettered;
  private final Counter suppressed;
  private final Counter skipped;
  private final Histogram deliverySeconds;

  public AlertMetrics() {
    delivered =
        Counter.builder()
            .name(DELIVERED)
            .help("Events POSTed to the webhook and acknowledged with 2xx, by event type")
            .labelNames("type")
            .build();
    failedAttempts =
        Counter.builder()
            .name(FAILED_ATTEMPTS)
            .help("POST attempts that failed (each retry counts), by reason")
            .labelNames("reason")
            .build();
    deadLettered =
        Counter.builder()
            .name(DEADLETTERED)
            .help("Events given up on and written to oad.deadletter, by reason")
            .labelNames("reason")
            .build();
    suppressed =
        Counter.builder()
            .name(SUPPRESSED)
            .help("Events not sent because of the per camera/type/action rate limit, by event type")
            .labelNames("type")
            .build();
    skipped =
        Counter.builder()
            .name(SKIPPED)
            .help("Events read but not forwarded because their type is not in alert.types")
            .build();
    deliverySeconds =
        Histogram.builder()
            .name(DELIVERY_SECONDS)
            .help("From reading an event to its acknowledged POST, retries and backoff included")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
            .build();
    for (ActionEvent.Type t : ActionEvent.Type.values()) {
      delivered.labelValues(t.name());
      suppressed.labelValues(t.name());
    }
    ATTEMPT_REASONS.forEach(failedAttempts::labelValues);
    DEADLETTER_REASONS.forEach(deadLettered::labelValues);
  }

  /** Registers the metrics in {@code registry}; returns this. */
  public AlertMetrics register(PrometheusRegistry registry) {
    registry.register(delivered);
    registry.register(failedAttempts);
    registry.register(deadLettered);
    registry.register(suppressed);
    registry.register(skipped);
    registry.register(deliverySeconds);
    return this;
  }

  void delivered(ActionEvent.Type type, double seconds) {
    delivered.labelValues(type.name()).inc();
    deliverySeconds.observe(seconds);
  }

  void failedAttempt(String reason) {
    failedAttempts.labelValues(reason).inc();
  }

  void deadLettered(String reason) {
    deadLettered.labelValues(reason).inc();
  }

  void suppressed(ActionEvent.Type type) {
    suppressed.labelValues(type.name()).inc();
  }

  void skipped() {
    skipped.inc();
  }

  /** Events delivered so far (all types). */
  public long deliveredTotal() {
    return (long) sum(delivered);
  }

  /** Failed attempts so far (all reasons). */
  public long failedAttemptsTotal() {
    return (long) sum(failedAttempts);
  }

  /** Events dead-lettered so far (all reasons). */
  public long deadLetteredTotal() {
    return (long) sum(deadLettered);
  }

  /** Events suppressed so far (all types). */
  public long suppressedTotal() {
    return (long) sum(suppressed);
  }

  private static double sum(Counter c) {
    return c.collect().getDataPoints().stream().mapToDouble(d -> d.getValue()).sum();
  }
}
