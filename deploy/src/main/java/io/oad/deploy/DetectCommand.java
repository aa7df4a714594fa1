package io.oad.deploy;

import io.oad.detector.Detector;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.topology.DetectorApp;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.DetectorStepModel;
import io.oad.topology.TopologyConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
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
  @Option(
      names = {"-b", "--bootstrap"},
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Detector model archive (default: models/detector, else an untrained model).")
  Path model;

  @Option(
      names = "--state-dir",
      defaultValue = "data/detector-state",
      description = "Kafka Streams state folder (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--application-id",
      defaultValue = TopologyConfig.DEFAULT_APPLICATION_ID,
      description =
          "Kafka Streams application id; instances with the same id share the work (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Stream threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--metrics-port",
      defaultValue = "9402",
      description = "Serve /metrics on this port; -1 = off (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Override
  public Integer call() throws InterruptedException {
    PrometheusRegistry registry = new PrometheusRegistry();
    Detector detector = Models.detector(model, PooledPixelBackbone.DEFAULT_DIMENSION);
    TopologyConfig config =
        TopologyConfig.builder()
            .applicationId(applicationId)
            .bootstrapServers(bootstrap)
            .stateDir(stateDir)
            .numStreamThreads(threads)
            .build();
    CountDownLatch done = new CountDownLatch(1);
    try (MetricsServer server = MetricsServer.start(registry, "0.0.0.0", metricsPort);
        DetectorApp app =
            new DetectorApp(
                config,
                () -> new DetectorStepModel(detector),
                new DetectorMetrics().register(registry))) {
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
              + bootstrap);
      done.await();
      return app.state() == KafkaStreams.State.ERROR ? 1 : 0;
    } finally {
      detector.close();
    }
  }
}
