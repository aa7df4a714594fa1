package io.oad.service;

import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.extractor.ExtractorService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The {@code extract} role wired once: the extractor service with its metrics, its Kafka clients
 * (the consumer's polls tracked for the readiness probe when asked) and its worker thread. {@code
 * oad extract} runs one alone, {@link Pipeline} runs one next to the detector.
 */
public final class ExtractorRole implements AutoCloseable {
  private final ExtractorService service;
  private final Thread worker;

  private ExtractorRole(ExtractorService service) {
    this.service = service;
    this.worker = new Thread(service, "oad-extractor");
  }

  /**
   * Builds the role and starts its worker.
   *
   * @param backbone owned by the role from now on
   * @param polls tracks the consumer's polls for {@code /readyz}; may be null
   */
  public static ExtractorRole start(
      ExtractorConfig config, Backbone backbone, PrometheusRegistry registry, PollTracker polls) {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config.consumerProperties());
    ExtractorService service =
        new ExtractorService(
            config,
            backbone,
            new ExtractorMetrics().register(registry),
            polls == null ? consumer : polls.track(consumer),
            new KafkaProducer<>(config.producerProperties()));
    ExtractorRole role = new ExtractorRole(service);
    role.worker.start();
    return role;
  }

  /** The running service, whose backbone {@link ExtractorService#swapBackbone} replaces. */
  public ExtractorService service() {
    return service;
  }

  /** Waits until the worker has stopped (after {@link #close()} or when it failed). */
  public void join() throws InterruptedException {
    worker.join();
  }

  /** Stops the worker and waits up to 10 s for it. */
  @Override
  public void close() {
    service.close();
    try {
      worker.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
