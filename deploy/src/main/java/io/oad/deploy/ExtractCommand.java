package io.oad.deploy;

import io.oad.deploy.ops.ConfigOptions;
import io.oad.deploy.ops.HttpOptions;
import io.oad.deploy.ops.KafkaOptions;
import io.oad.deploy.ops.OadConfig;
import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.service.Backbones;
import io.oad.service.ExtractorRole;
import io.oad.service.MetricsServer;
import io.oad.service.Models;
import io.oad.service.PollTracker;
import io.oad.service.models.ModelMetrics;
import io.oad.service.models.ModelUpdates;
import io.oad.service.models.ModelWatcher;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code oad extract}: the feature-extractor role, from {@code oad.frames} to {@code
 * oad.embeddings}.
 */
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    description =
        "Consume oad.frames, embed each frame with the DJL backbone (batched across cameras), publish oad.embeddings.")
final class ExtractCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(
      names = "--group",
      defaultValue = ExtractorConfig.DEFAULT_GROUP_ID,
      description =
          "Consumer group; instances of one group share the partitions (default: ${DEFAULT-VALUE}).")
  String group;

  @Option(
      names = "--batch",
      defaultValue = "16",
      description = "Largest batch across cameras (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--workers",
      defaultValue = "1",
      description =
          "Extractor workers in this process (1.."
              + ExtractorConfig.MAX_WORKERS
              + "), each on its own thread with its own consumer (one group: Kafka splits the"
              + " partitions, so workers beyond the oad.frames partition count idle), producer"
              + " (worker i > 0 uses transactional id ID-w<i>) and backbone (default:"
              + " ${DEFAULT-VALUE}; extract.workers).")
  int workers;

  @Option(
      names = "--max-wait-ms",
      defaultValue = "20",
      description = "Longest wait to fill a batch (default: ${DEFAULT-VALUE}).")
  long maxWaitMs;

  @Option(
      names = "--transactional-id",
      paramLabel = "ID",
      description =
          "Exactly-once: commit each batch's embeddings and consumed offsets in one Kafka transaction"
              + " with this producer transactional id, unique per instance and kept across restarts"
              + " (default: none, at-least-once).")
  String transactionalId;

  @Option(
      names = "--max-lag-ms",
      defaultValue = "0",
      description =
          "Drop policy: a frame captured more than this many ms ago when its batch is about to be"
              + " embedded is dropped (counted in oad_extractor_frames_dropped_total{camera,reason},"
              + " offset committed; the detector sees a missing step); 0 = off, every frame is"
              + " embedded however late (default: ${DEFAULT-VALUE}; e.g. 2000 for live cameras).")
  long maxLagMs;

  @Option(
      names = "--lag-sample-every",
      defaultValue = "1",
      description =
          "With --max-lag-ms: keep every k-th lagging frame per camera instead of dropping them all"
              + " (default: ${DEFAULT-VALUE} = drop all).")
  int lagSampleEvery;

  @Option(
      names = "--steps-per-second",
      defaultValue = "0",
      description =
          "The detector's step rate (detect.steps.per.second): a frame that lands in a step an"
              + " earlier frame of its camera already formed is decoded but not embedded"
              + " (oad_extractor_frames_skipped_total); the detector would drop it as extra_frame."
              + " Must equal the detector's rate; 0 = embed every frame (default: ${DEFAULT-VALUE}).")
  double stepsPerSecond;

  @Option(
      names = "--backbone-dir",
      paramLabel = "DIR",
      description =
          "Watch DIR for backbone versions (subfolders with a backbone.json): the greatest name serves"
              + " at start, a new or changed subfolder is loaded, checked and switched in between"
              + " batches; a broken one is refused (ERROR log, oad_model_reload_failures_total) and the"
              + " serving backbone stays. Every embedding names its backbone.")
  Path backboneDir;

  @Option(
      names = "--model-poll-ms",
      defaultValue = "2000",
      description = "How often --backbone-dir is scanned (default: ${DEFAULT-VALUE}).")
  long modelPollMs;

  @Option(
      names = "--metrics-port",
      defaultValue = "9401",
      description = "Serve /metrics on this port; -1 = off (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Mixin HttpOptions http;

  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() throws InterruptedException {
    PrometheusRegistry registry = new PrometheusRegistry();
    OadConfig oad = configOptions.load();
    ExtractorConfig config =
        oad.applyExtractBounds(ExtractorConfig.builder())
            .optProperties(oad.kafkaProperties())
            .setBootstrapServers(kafka.bootstrap(configOptions, oad))
            .optGroupId(configOptions.pick("--group", group, oad.extractGroupId()))
            .optMaxBatchSize(batch)
            .optWorkers(configOptions.pick("--workers", workers, oad.extractWorkers()))
            .optMaxWait(Duration.ofMillis(maxWaitMs))
            .optMaxLag(
                Duration.ofMillis(
                    configOptions.pick("--max-lag-ms", maxLagMs, oad.extractMaxLagMs())))
            .optLagSampleEvery(
                configOptions.pick(
                    "--lag-sample-every", lagSampleEvery, oad.extractLagSampleEvery()))
            .optStepsPerSecond(
                configOptions.pick(
                    "--steps-per-second", stepsPerSecond, oad.extractStepsPerSecond()))
            .optTransactionalId(
                configOptions.pick(
                    "--transactional-id", transactionalId, oad.extractTransactionalId()))
            .build();
    PollTracker polls = new PollTracker(Duration.ofSeconds(30));
    int port = configOptions.pick("--metrics-port", metricsPort, oad.metricsPort());
    ModelMetrics modelMetrics = new ModelMetrics().register(registry);
    ModelWatcher watcher =
        backboneDir == null
            ? null
            : new ModelWatcher(
                ModelMetrics.ROLE_EXTRACTOR,
                backboneDir,
                ModelUpdates.BACKBONE_MARKER,
                modelMetrics,
                Duration.ofMillis(modelPollMs));
    Path initial = watcher == null ? null : watcher.latest().orElse(null);
    // one backbone instance per worker: backbones keep per-camera state and predictors
    Supplier<Backbone> backbones =
        () ->
            initial != null
                ? TwoStreamBackbone.load(initial)
                : Backbones.defaultBackbone(Models.home());
    try (MetricsServer server =
            MetricsServer.start(registry, http.bindAddress(configOptions, oad), port, polls);
        ModelWatcher closesWatcher = watcher;
        ExtractorRole role = ExtractorRole.start(config, backbones, registry, polls)) {
      modelMetrics.serving(ModelMetrics.ROLE_EXTRACTOR, role.backboneId());
      if (watcher != null) {
        watcher.start(ModelUpdates.backbone(role));
      }
      Runtime.getRuntime().addShutdownHook(new Thread(role::close));
      role.join();
      Optional<Throwable> failure = role.failure();
      if (failure.isPresent()) {
        // a worker that cannot go on must not look like a clean stop to a supervisor
        System.err.println("oad extract: the extractor stopped on an error: " + failure.get());
        return 1;
      }
      return 0;
    }
  }
}
