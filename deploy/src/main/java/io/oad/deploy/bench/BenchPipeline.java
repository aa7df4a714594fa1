package io.oad.deploy.bench;

import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.extractor.ExtractorService;
import io.oad.topology.DetectorApp;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.DetectorStepModel;
import io.oad.topology.TopologyConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The two processing roles in this JVM, wired as the demo's pipeline wires them (extractor with its
 * default group and batching; topology with its default application id and a 100 ms commit
 * interval), so the benchmark measures what {@code oad demo} runs.
 */
final class BenchPipeline implements AutoCloseable {
  /** Consumer group of the extractor (the service default). */
  static final String EXTRACTOR_GROUP = ExtractorConfig.DEFAULT_GROUP_ID;

  /** Consumer group of the topology: its application id (the service default). */
  static final String TOPOLOGY_GROUP = TopologyConfig.DEFAULT_APPLICATION_ID;

  private final ExtractorService extractor;
  private final Thread extractorThread;
  private final DetectorApp detector;
  private final Detector model;

  /** Starts both roles; owns the backbone and the model from now on. */
  BenchPipeline(String bootstrap, Path stateDir, Backbone backbone, Detector model) {
    this.model = model;
    PrometheusRegistry registry = new PrometheusRegistry();
    this.extractor =
        new ExtractorService(
            ExtractorConfig.builder().setBootstrapServers(bootstrap).build(),
            backbone,
            new ExtractorMetrics().register(registry));
    this.extractorThread = new Thread(extractor, "oad-bench-extractor");
    TopologyConfig config =
        TopologyConfig.builder()
            .bootstrapServers(bootstrap)
            .stateDir(stateDir)
            .commitIntervalMs(100)
            .build();
    this.detector =
        new DetectorApp(
            config, () -> new DetectorStepModel(model), new DetectorMetrics().register(registry));
    extractorThread.start();
    detector.start();
  }

  /** Waits until the topology is processing. */
  void awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (detector.state() != KafkaStreams.State.RUNNING) {
      KafkaStreams.State s = detector.state();
      if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
        throw new IllegalStateException("detector topology stopped: " + s);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("detector topology not running after " + timeout);
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    extractor.close();
    try {
      extractorThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    detector.close(Duration.ofSeconds(10));
    model.close();
  }
}
