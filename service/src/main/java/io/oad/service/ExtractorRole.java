package io.oad.service;

import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.extractor.ExtractorService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code extract} role wired once: {@link ExtractorConfig#workers()} extractor services, each
 * on its own thread ({@code oad-extractor-<i>}) with its own Kafka consumer (one group, so Kafka
 * splits the frames partitions among them; its polls tracked for the readiness probe when asked),
 * its own producer (worker {@code i > 0} of an exactly-once role uses the transactional id {@code
 * <id>-w<i>}, see {@link ExtractorConfig#forWorker}) and its own backbone, all counting into one
 * {@link ExtractorMetrics}. Workers beyond the partition count idle. {@code oad extract} runs one
 * alone, {@link Pipeline} runs one next to the detector.
 *
 * <p>A worker that fails stops the others, so {@link #join()} returns and {@link #failure()} holds
 * the error, as with a single worker.
 */
public final class ExtractorRole implements AutoCloseable {
  /** Name of the worker threads, followed by {@code -<i>} (the bench measures them by it). */
  public static final String THREAD_PREFIX = "oad-extractor";

  private static final Logger LOG = LoggerFactory.getLogger(ExtractorRole.class);

  private final List<ExtractorService> services;
  private final List<Thread> workers = new ArrayList<>();

  private ExtractorRole(List<ExtractorService> services) {
    this.services = List.copyOf(services);
    for (int i = 0; i < services.size(); i++) {
      ExtractorService service = services.get(i);
      workers.add(new Thread(() -> runWorker(service), THREAD_PREFIX + "-" + i));
    }
  }

  /**
   * Builds the role and starts its workers.
   *
   * @param backbones called once per worker ({@link ExtractorConfig#workers()} times), each call
   *     returning a new backbone instance of the same id and dimension (backbones keep per-camera
   *     state and predictors, so workers cannot share one); the backbones are owned by the role
   *     from now on (and closed here if the role cannot start)
   * @param polls tracks every worker's consumer polls for {@code /readyz}; may be null
   * @throws IllegalArgumentException if the supplier repeats an instance or mixes backbones
   */
  public static ExtractorRole start(
      ExtractorConfig config,
      Supplier<? extends Backbone> backbones,
      PrometheusRegistry registry,
      PollTracker polls) {
    Objects.requireNonNull(backbones, "backbones");
    ExtractorMetrics metrics = new ExtractorMetrics().register(registry);
    List<ExtractorService> services = new ArrayList<>();
    List<Backbone> loaded = new ArrayList<>();
    try {
      for (int i = 0; i < config.workers(); i++) {
        Backbone backbone = Objects.requireNonNull(backbones.get(), "backbone of worker " + i);
        checkWorkerBackbone(loaded, backbone, i);
        loaded.add(backbone);
        ExtractorConfig own = config.forWorker(i);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(own.consumerProperties());
        KafkaProducer<String, byte[]> producer;
        try {
          producer = new KafkaProducer<>(own.producerProperties());
        } catch (RuntimeException e) {
          consumer.close();
          throw e;
        }
        services.add(
            new ExtractorService(
                own,
                backbone,
                metrics,
                polls == null ? consumer : polls.track(consumer),
                producer));
      }
    } catch (RuntimeException | Error e) {
      // services not yet run close their clients and backbone; the rest are closed here
      services.forEach(ExtractorService::close);
      loaded.subList(services.size(), loaded.size()).forEach(ExtractorRole::closeQuietly);
      throw e;
    }
    ExtractorRole role = new ExtractorRole(services);
    role.workers.forEach(Thread::start);
    if (services.size() > 1) {
      LOG.info("extractor role runs {} workers in this process", services.size());
    }
    return role;
  }

  private static void checkWorkerBackbone(List<Backbone> earlier, Backbone next, int worker) {
    for (Backbone b : earlier) {
      if (b == next) {
        closeQuietly(next);
        throw new IllegalArgumentException(
            "worker "
                + worker
                + " got the same backbone instance as another worker: each worker"
                + " needs its own (the backbone supplier must load a new one per call)");
      }
    }
    if (!earlier.isEmpty()) {
      Backbone first = earlier.get(0);
      if (!first.id().equals(next.id()) || first.dimension() != next.dimension()) {
        closeQuietly(next);
        throw new IllegalArgumentException(
            "worker "
                + worker
                + " got backbone "
                + next.id()
                + " ("
                + next.dimension()
                + "-d), worker 0 "
                + first.id()
                + " ("
                + first.dimension()
                + "-d): all workers must serve the same backbone");
      }
    }
  }

  private void runWorker(ExtractorService service) {
    try {
      service.run();
    } finally {
      if (service.failure().isPresent()) {
        // one worker cannot go on: stop the others, so join() returns and failure() reports it
        for (ExtractorService other : services) {
          if (other != service) {
            other.close();
          }
        }
      }
    }
  }

  /** How many workers the role runs. */
  public int workers() {
    return services.size();
  }

  /** The running services, one per worker (worker {@code i} at index {@code i}). */
  public List<ExtractorService> services() {
    return services;
  }

  /** The id of the backbone that embeds worker 0's next batch (all workers serve the same one). */
  public String backboneId() {
    return services.get(0).backboneId();
  }

  /**
   * Hands a new backbone to every worker ({@link ExtractorService#swapBackbone}): {@code next}
   * holds one new instance per worker, all of one id and dimension. Each worker puts its own in
   * service between two of its batches, so for a moment workers may serve different versions (every
   * embedding names the backbone that made it). The future completes with the new id once every
   * worker serves it, or exceptionally if a worker stops first or another swap supersedes it.
   *
   * @throws IllegalArgumentException if {@code next} does not hold one backbone per worker of one
   *     id, or its dimension differs from the serving one (then none is taken over: the caller
   *     still owns and must close them)
   */
  public CompletableFuture<String> swapBackbone(List<? extends Backbone> next) {
    if (next.size() != services.size()) {
      throw new IllegalArgumentException(
          "need one backbone per worker (" + services.size() + "), got " + next.size());
    }
    List<Backbone> seen = new ArrayList<>();
    for (Backbone b : next) {
      for (Backbone s : seen) {
        if (s == b || !s.id().equals(b.id()) || s.dimension() != b.dimension()) {
          throw new IllegalArgumentException(
              "each worker needs its own instance of one backbone: got "
                  + s.id()
                  + " and "
                  + b.id());
        }
      }
      seen.add(b);
    }
    // worker 0 checks the dimension first: the workers serve one dimension, so if it takes the
    // backbone over every worker does
    List<CompletableFuture<String>> done = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      done.add(services.get(i).swapBackbone(next.get(i)));
    }
    return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> done.get(0).join());
  }

  /**
   * What ended a worker when it did not end by {@link #close()} (the first failed worker's error):
   * the launcher must then exit non-zero. Empty while running and after a clean stop.
   */
  public Optional<Throwable> failure() {
    for (ExtractorService service : services) {
      Optional<Throwable> failure = service.failure();
      if (failure.isPresent()) {
        return failure;
      }
    }
    return Optional.empty();
  }

  /** Waits until every worker has stopped (after {@link #close()} or when one failed). */
  public void join() throws InterruptedException {
    for (Thread worker : workers) {
      worker.join();
    }
  }

  /** Stops the workers and waits up to 10 s for their threads. */
  @Override
  public void close() {
    for (ExtractorService service : services) {
      service.close();
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    try {
      for (Thread worker : workers) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left > 0) {
          worker.join(left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Backbone backbone) {
    try {
      backbone.close();
    } catch (RuntimeException e) {
      LOG.warn("closing backbone {} failed", backbone.id(), e);
    }
  }
}
