package io.oad.deploy;

import io.oad.deploy.live.LiveFeed;
import io.oad.deploy.live.LiveHub;
import io.oad.deploy.live.LivePage;
import io.oad.deploy.ops.ConfigOptions;
import io.oad.deploy.ops.HttpOptions;
import io.oad.deploy.ops.KafkaOptions;
import io.oad.deploy.ops.OadConfig;
import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.service.Backbones;
import io.oad.service.DetectorRole;
import io.oad.service.MetricsServer;
import io.oad.service.Models;
import io.oad.service.models.ModelMetrics;
import io.oad.service.models.ModelUpdates;
import io.oad.service.models.ModelWatcher;
import io.oad.topology.DetectConfig;
import io.oad.topology.DetectorApp;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code oad detect}: the detector role, the Kafka Streams topology from {@code oad.embeddings} to
 * predictions.
 */
@Command(
    name = "detect",
    mixinStandardHelpOptions = true,
    description =
        "Run the Kafka Streams topology: per-camera windows of embeddings, OadTR, predictions to oad.predictions.")
final class DetectCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Detector model archive (default: models/detector, else an untrained model).")
  Path model;

  @Option(
      names = "--model-dir",
      paramLabel = "DIR",
      description =
          "Watch DIR for detector versions (subfolders with a model.json): the greatest name serves at"
              + " start, a new or changed subfolder is loaded, checked and switched in between records"
              + " while running; a broken one is refused (ERROR log, oad_model_reload_failures_total)"
              + " and the serving model stays.")
  Path modelDir;

  @Option(
      names = "--shadow-seconds",
      defaultValue = "0",
      description =
          "With --model-dir: a new version first runs in shadow mode for this long (scores the same"
              + " windows, never predicts; oad_model_shadow_* metrics compare it with the serving one),"
              + " then takes over; 0 = switch at once (default: ${DEFAULT-VALUE}).")
  long shadowSeconds;

  @Option(
      names = "--model-poll-ms",
      defaultValue = "2000",
      description = "How often --model-dir is scanned (default: ${DEFAULT-VALUE}).")
  long modelPollMs;

  @Option(
      names = "--state-dir",
      defaultValue = "data/detector-state",
      description = "Kafka Streams state folder (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--application-id",
      defaultValue = DetectConfig.DEFAULT_APPLICATION_ID,
      description =
          "Kafka Streams application id; instances with the same id share the work (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Stream threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--batch-max",
      paramLabel = "N",
      description =
          "Most steps (of all cameras of a stream thread) scored in one model call; 1 = no batching"
              + " (default 32; key detect.batch.max).")
  Integer batchMax;

  @Option(
      names = "--batch-wait-ms",
      paramLabel = "MS",
      description =
          "Longest a step waits for its batch to fill; 0 = no batching (default 20; key"
              + " detect.batch.max.wait.ms).")
  Long batchWaitMs;

  @Option(
      names = "--max-lag-ms",
      paramLabel = "MS",
      description =
          "Drop embeddings captured longer ago than this when the detector reaches them (reason"
              + " 'stale'; their steps count as missing); 0 = off (default 0; key"
              + " detect.step.max.lag.ms).")
  Long maxLagMs;

  @Option(
      names = "--metrics-port",
      defaultValue = "9402",
      description =
          "Serve /metrics, /healthz, /readyz and the live page (/) on this port; -1 = off (default:"
              + " ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--no-live",
      description =
          "Do not serve the live page (/ on the metrics port) and do not read oad.predictions and"
              + " oad.events for it.")
  boolean noLive;

  @Mixin HttpOptions http;

  @Mixin ConfigOptions configOptions;

  /** The topology keys given as options (they win over the file and the environment). */
  private java.util.Map<String, Object> overrides() {
    java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
    if (batchMax != null) {
      o.put(DetectConfig.DETECT_BATCH_MAX_CONFIG, batchMax);
    }
    if (batchWaitMs != null) {
      o.put(DetectConfig.DETECT_BATCH_MAX_WAIT_MS_CONFIG, batchWaitMs);
    }
    if (maxLagMs != null) {
      o.put(DetectConfig.STEP_MAX_LAG_MS_CONFIG, maxLagMs);
    }
    return o;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrometheusRegistry registry = new PrometheusRegistry();
    OadConfig oad = configOptions.load();
    applicationId =
        configOptions.pick("--application-id", applicationId, oad.detectApplicationId());
    String bootstrap = kafka.bootstrap(configOptions, oad);
    ModelMetrics modelMetrics = new ModelMetrics().register(registry);
    ModelWatcher watcher = null;
    Path initial = model;
    if (modelDir != null) {
      watcher =
          new ModelWatcher(
              ModelMetrics.ROLE_DETECTOR,
              modelDir,
              ModelUpdates.DETECTOR_MARKER,
              modelMetrics,
              Duration.ofMillis(modelPollMs));
      initial = watcher.latest().orElse(model);
    }
    Detector detector =
        Models.detector(
            initial,
            () -> {
              // only the untrained fallback needs it: the dimension the extractor's backbone makes
              try (Backbone backbone = Backbones.defaultBackbone(Models.home())) {
                return backbone.dimension();
              }
            });
    modelMetrics.serving(ModelMetrics.ROLE_DETECTOR, detector.modelId());
    DetectConfig config =
        DetectConfig.builder()
            .properties(oad.kafkaProperties())
            .properties(oad.detectProperties())
            .applicationId(applicationId)
            .bootstrapServers(bootstrap)
            .stateDir(configOptions.pick("--state-dir", stateDir, oad.detectStateDir()))
            .numStreamThreads(threads)
            .properties(overrides())
            .build();
    CountDownLatch done = new CountDownLatch(1);
    int port = configOptions.pick("--metrics-port", metricsPort, oad.metricsPort());
    LiveHub live =
        port >= 0 && !noLive
            ? new LiveHub(LiveHub.Options.defaults(1.0 / config.timing().stepsPerSecond()))
            : null;
    DetectorRole role = new DetectorRole(config, detector, registry);
    if (watcher != null) {
      watcher.start(
          ModelUpdates.detector(
              role.models(), () -> null, Duration.ofSeconds(shadowSeconds), modelMetrics));
    }
    DetectorApp app = role.app();
    try (role;
        MetricsServer server =
            MetricsServer.start(
                registry,
                http.bindAddress(configOptions, oad),
                port,
                role::running,
                live == null ? null : new LivePage(live, oad.liveToken()));
        LiveFeed feed =
            live == null
                ? null
                : LiveFeed.start(oad.kafkaClientProperties("consumer."), bootstrap, live)) {
      if (server != null) {
        System.out.println(
            "metrics on port "
                + server.port()
                + (live == null ? "" : "; live page http://127.0.0.1:" + server.port() + "/"));
      }
      app.streams()
          .setStateListener(
              (now, before) -> {
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                  done.countDown();
                }
              });
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    app.close(Duration.ofSeconds(10));
                    done.countDown();
                  }));
      app.start();
      System.out.println(
          "detector "
              + applicationId
              + " running model "
              + detector.modelId()
              + " on "
              + bootstrap
              + (modelDir == null ? "" : ", watching " + modelDir + " for new versions"));
      done.await();
      return app.state() == KafkaStreams.State.ERROR ? 1 : 0;
    } finally {
      if (watcher != null) {
        watcher.close();
      }
    }
  }
}
