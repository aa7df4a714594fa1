package io.oad.deploy;

import io.oad.contract.ActionEvent;
import io.oad.deploy.ops.ConfigOptions;
import io.oad.deploy.ops.HttpOptions;
import io.oad.deploy.ops.KafkaOptions;
import io.oad.deploy.ops.OadConfig;
import io.oad.service.MetricsServer;
import io.oad.service.PollTracker;
import io.oad.service.alert.AlertForwarder;
import io.oad.service.alert.AlertMetrics;
import io.oad.service.alert.AlertSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code oad alert}: forwards {@code oad.events} to a webhook, at least once (see {@link
 * AlertForwarder}).
 */
@Command(
    name = "alert",
    mixinStandardHelpOptions = true,
    description =
        "Forward oad.events to a webhook as JSON POSTs: at least once with a consumer group of its"
            + " own, retries with backoff, a per camera/type/action rate limit, dead letters after"
            + " N failed attempts.")
final class AlertCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(
      names = "--webhook",
      paramLabel = "URL",
      description = "Where events are POSTed, an http or https URL (key alert.webhook.url).")
  String webhook;

  @Option(
      names = "--group",
      defaultValue = AlertSettings.DEFAULT_GROUP_ID,
      description = "Consumer group on oad.events (default: ${DEFAULT-VALUE}; key alert.group.id).")
  String group;

  @Option(
      names = "--types",
      defaultValue = "ACTION_STARTED,ACTION_ANTICIPATED,CAMERA_OFFLINE",
      description =
          "Event types forwarded, comma-separated (default: ${DEFAULT-VALUE}; key alert.types).")
  String types;

  @Option(
      names = "--max-attempts",
      defaultValue = "" + AlertSettings.DEFAULT_MAX_ATTEMPTS,
      description =
          "POST attempts of one event before it is dead-lettered (default: ${DEFAULT-VALUE}; key"
              + " alert.max.attempts).")
  int maxAttempts;

  @Option(
      names = "--rate-limit-ms",
      defaultValue = "" + AlertSettings.DEFAULT_RATE_LIMIT_MS,
      description =
          "At most one alert per camera, type and action within this many ms of event time, the"
              + " rest counted in oad_alert_suppressed_total; 0 = off (default: ${DEFAULT-VALUE};"
              + " key alert.rate.limit.ms).")
  long rateLimitMs;

  @Option(
      names = "--metrics-port",
      defaultValue = "9404",
      description = "Serve /metrics on this port; -1 = off (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Mixin HttpOptions http;

  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() throws InterruptedException {
    OadConfig oad = configOptions.load();
    AlertSettings settings = settings(oad);
    PrometheusRegistry registry = new PrometheusRegistry();
    AlertMetrics metrics = new AlertMetrics().register(registry);
    PollTracker polls = new PollTracker(Duration.ofSeconds(30));
    int port = configOptions.pick("--metrics-port", metricsPort, oad.metricsPort());
    System.err.println("oad alert: " + settings);
    try (MetricsServer server =
        MetricsServer.start(registry, http.bindAddress(configOptions, oad), port, polls)) {
      AlertForwarder forwarder =
          AlertForwarder.create(
              kafka.bootstrap(configOptions, oad),
              oad.kafkaClientProperties("consumer."),
              oad.kafkaClientProperties("producer."),
              settings,
              metrics,
              polls);
      Thread worker = new Thread(forwarder, "oad-alert");
      Thread hook = new Thread(forwarder::close, "oad-alert-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      worker.start();
      worker.join();
      Optional<Throwable> failure = forwarder.failure();
      if (failure.isPresent()) {
        System.err.println("oad alert: the forwarder stopped on an error: " + failure.get());
        return 1;
      }
      return 0;
    }
  }

  /**
   * The effective settings: command line over configuration over defaults; a bad or missing URL is
   * refused here, before any Kafka client exists.
   */
  AlertSettings settings(OadConfig oad) {
    String url = webhook != null ? webhook : oad.alertWebhookUrl();
    if (url == null) {
      throw new IllegalArgumentException(
          "no webhook: give --webhook URL or set alert.webhook.url (env OAD_ALERT_WEBHOOK_URL)");
    }
    URI uri = AlertSettings.parseWebhook(url);
    Set<ActionEvent.Type> chosen =
        configOptions.given("--types") || oad.alertTypes() == null
            ? AlertSettings.parseTypes(types)
            : oad.alertTypes();
    Long initial = oad.alertBackoffInitialMs();
    Long max = oad.alertBackoffMaxMs();
    Long timeout = oad.alertRequestTimeoutMs();
    return new AlertSettings(
        uri,
        oad.alertWebhookAuthorization(),
        configOptions.pick("--group", group, oad.alertGroupId()),
        chosen,
        configOptions.pick("--max-attempts", maxAttempts, oad.alertMaxAttempts()),
        configOptions.pick("--rate-limit-ms", rateLimitMs, oad.alertRateLimitMs()),
        initial == null ? AlertSettings.DEFAULT_BACKOFF_INITIAL : Duration.ofMillis(initial),
        max == null ? AlertSettings.DEFAULT_BACKOFF_MAX : Duration.ofMillis(max),
        timeout == null ? AlertSettings.DEFAULT_REQUEST_TIMEOUT : Duration.ofMillis(timeout));
  }
}
