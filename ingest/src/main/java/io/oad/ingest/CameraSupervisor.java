package io.oad.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs many cameras in one process: one worker thread per camera, all publishing through one shared
 * producer, and optionally a watcher that re-reads the camera file every second and applies what
 * changed.
 *
 * <p>{@link #apply(Map)} diffs the wanted cameras against the running ones: new cameras start,
 * removed ones stop, cameras whose settings changed restart (the new run starts only after the old
 * one has finished, so one camera never has two publishers), and the rest are not touched. An
 * invalid file is rejected with a logged message naming the line and key; the running cameras keep
 * going. A deleted file also leaves the cameras running.
 *
 * <p>Each worker runs a {@link VideoIngestor}; stream sources reconnect with backoff, forever (see
 * {@link IngestOptions#reconnect()}). A run that fails anyway (a file that cannot be read, a stream
 * without reconnect) is restarted by the worker with the same backoff, counted as a reconnect with
 * reason {@code error}. A run that ends normally (a file without loop) finishes the camera until
 * the file changes its settings. Thread-safe.
 */
public final class CameraSupervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CameraSupervisor.class);

  private final Producer<String, byte[]> producer;
  private final IngestMetrics metrics;
  private final ConnectionListener connection;
  private final Map<String, Worker> workers = new LinkedHashMap<>();
  private final Object watchLock = new Object();
  private Thread watcher;
  private volatile String lastError;
  private volatile long reloads;
  private boolean closed;

  /**
   * @param producer shared by all cameras; the caller closes it after {@link #close()}
   * @param metrics shared by all cameras
   * @param connection hears every camera's connection changes (e.g. {@link ConnectionEvents})
   */
  public CameraSupervisor(
      Producer<String, byte[]> producer, IngestMetrics metrics, ConnectionListener connection) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.connection = Objects.requireNonNull(connection, "connection");
  }

  /** What one {@link #apply(Map)} changed, camera ids in file order. */
  public record Changes(List<String> added, List<String> changed, List<String> removed) {
    /** Whether nothing changed. */
    public boolean isEmpty() {
      return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }
  }

  /**
   * Makes the running cameras match the wanted ones: starts new, restarts changed, stops removed
   * cameras; returns without waiting for stopped cameras to finish.
   */
  public synchronized Changes apply(Map<String, IngestOptions> wanted) {
    if (closed) {
      throw new IllegalStateException("supervisor is closed");
    }
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (String id : List.copyOf(workers.keySet())) {
      if (!wanted.containsKey(id)) {
        workers.remove(id).stop();
        metrics.removeCamera(id);
        if (connection instanceof ConnectionEvents events) {
          events.forget(id);
        }
        removed.add(id);
        LOG.info("camera {}: removed", id);
      }
    }
    wanted.forEach(
        (id, options) -> {
          if (!id.equals(options.cameraId())) {
            throw new IllegalArgumentException(
                "camera '" + id + "' has options for '" + options.cameraId() + "'");
          }
          Worker old = workers.get(id);
          if (old == null) {
            workers.put(id, start(options, null));
            added.add(id);
            LOG.info("camera {}: added, {}", id, describe(options));
          } else if (!old.options.equals(options)) {
            old.stop();
            workers.put(id, start(options, old));
            changed.add(id);
            LOG.info("camera {}: changed, restarting with {}", id, describe(options));
          }
        });
    return new Changes(added, changed, removed);
  }

  /**
   * Loads the camera file, applies it, and re-reads it every {@code poll} from a daemon thread,
   * applying each valid change.
   *
   * @param defaults settings for what the file does not set (a fresh builder per call)
   * @throws IOException if the file cannot be read now
   * @throws IllegalArgumentException if it is invalid now (message names file, line and key)
   */
  public Changes watch(Path file, Supplier<IngestOptions.Builder> defaults, Duration poll)
      throws IOException {
    byte[] content = Files.readAllBytes(file);
    Changes first = apply(CameraFile.parse(text(content), file.toString(), defaults));
    synchronized (watchLock) {
      if (watcher != null) {
        throw new IllegalStateException("already watching a camera file");
      }
      watcher = new Thread(() -> watchLoop(file, defaults, poll, content), "camera-file-watcher");
      watcher.setDaemon(true);
      watcher.start();
    }
    return first;
  }

  private void watchLoop(
      Path file, Supplier<IngestOptions.Builder> defaults, Duration poll, byte[] initial) {
    byte[] seen = initial;
    byte[] pending = null;
    boolean missingLogged = false;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      byte[] content;
      try {
        content = Files.readAllBytes(file);
        missingLogged = false;
      } catch (NoSuchFileException e) {
        if (!missingLogged) {
          LOG.warn("camera file {} is gone; the running cameras keep going", file);
          missingLogged = true;
        }
        continue;
      } catch (IOException e) {
        LOG.warn("cannot read camera file {}: {}; trying again", file, e.toString());
        continue;
      }
      if (Arrays.equals(content, seen)) {
        pending = null;
        continue;
      }
      if (!Arrays.equals(content, pending)) {
        // a file being written is read half-way now and then: apply a change only once two polls
        // read the same bytes
        pending = content;
        continue;
      }
      pending = null;
      seen = content;
      try {
        Map<String, IngestOptions> wanted =
            CameraFile.parse(text(content), file.toString(), defaults);
        synchronized (this) {
          if (closed) {
            return;
          }
          Changes changes = apply(wanted);
          lastError = null;
          reloads++;
          LOG.info(
              "camera file {} reloaded: {} added, {} changed, {} removed, {} running",
              file,
              changes.added(),
              changes.changed(),
              changes.removed(),
              workers.size());
        }
      } catch (IllegalArgumentException e) {
        lastError = e.getMessage();
        LOG.error("camera file rejected, the running cameras keep going: {}", e.getMessage());
      }
    }
  }

  /** The configured cameras and their settings, in file order. */
  public synchronized Map<String, IngestOptions> cameras() {
    Map<String, IngestOptions> out = new LinkedHashMap<>();
    workers.forEach((id, w) -> out.put(id, w.options));
    return out;
  }

  /** The message of the last rejected camera file, empty once a valid one was applied. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** How many changed camera files were applied by the watcher. */
  public long reloads() {
    return reloads;
  }

  /**
   * Stops the watcher and every camera and waits (up to the stall timeout plus a few seconds per
   * camera, since a read blocked in FFmpeg only returns at its timeout) for them to finish.
   */
  @Override
  public void close() {
    Thread w;
    synchronized (watchLock) {
      w = watcher;
      watcher = null;
    }
    if (w != null) {
      w.interrupt();
    }
    List<Worker> stopping;
    synchronized (this) {
      closed = true;
      stopping = new ArrayList<>(workers.values());
      workers.clear();
    }
    stopping.forEach(Worker::stop);
    for (Worker worker : stopping) {
      long waitMs = worker.options.stallTimeoutMs() + 5_000L;
      if (!worker.join(waitMs)) {
        LOG.warn("camera {}: still running {} ms after stop", worker.options.cameraId(), waitMs);
      }
    }
    if (w != null) {
      try {
        w.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Worker start(IngestOptions options, Worker previous) {
    Worker worker = new Worker(options, previous);
    worker.thread.start();
    return worker;
  }

  private static String describe(IngestOptions o) {
    return String.format(
        java.util.Locale.ROOT,
        "%s at %.4g fps, %dx%d%s%s",
        String.join(" + ", o.sources()),
        o.targetFps(),
        o.width(),
        o.height(),
        o.loop() ? ", loop" : "",
        o.realtime() ? "" : ", as fast as possible");
  }

  private static String text(byte[] content) {
    return new String(content, StandardCharsets.UTF_8);
  }

  /** One camera's thread: runs the ingestor, restarting it with backoff when it fails. */
  private final class Worker implements Runnable {
    final IngestOptions options;
    final Thread thread;
    private final Worker previous;
    private final Object sleep = new Object();
    private volatile boolean stopped;
    private volatile VideoIngestor current;

    Worker(IngestOptions options, Worker previous) {
      this.options = options;
      this.previous = previous;
      this.thread = new Thread(this, "camera-" + options.cameraId());
      this.thread.setDaemon(true);
    }

    @Override
    public void run() {
      if (previous != null && !previous.join(Long.MAX_VALUE)) {
        return; // interrupted
      }
      String id = options.cameraId();
      Backoff backoff =
          new Backoff(options.reconnectFirstMs(), options.reconnectMaxMs(), new SplittableRandom());
      while (!stopped) {
        VideoIngestor ingestor =
            new VideoIngestor(options, metrics, IngestProgress.Listener.none(), connection);
        current = ingestor;
        if (stopped) {
          return;
        }
        long startedNanos = System.nanoTime();
        try {
          IngestResult result = ingestor.run(producer);
          if (!stopped) {
            LOG.info(
                "camera {}: finished ({} frames read, {} published)",
                id,
                result.framesRead(),
                result.framesPublished());
          }
          return;
        } catch (RuntimeException e) {
          if (stopped) {
            return;
          }
          if (System.nanoTime() - startedNanos
              > TimeUnit.MILLISECONDS.toNanos(options.reconnectMaxMs())) {
            backoff.reset(); // it ran for a good while
          }
          long delayMs = backoff.nextDelayMs();
          if (e instanceof IngestException) {
            LOG.warn("camera {}: {}; restarting in {} ms", id, e.getMessage(), delayMs);
          } else {
            LOG.error("camera {}: failed; restarting in {} ms", id, delayMs, e);
          }
          metrics.forCamera(id).reconnects(DisconnectReason.ERROR).inc();
          pause(delayMs);
        }
      }
    }

    private void pause(long millis) {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      synchronized (sleep) {
        while (!stopped) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            return;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(sleep, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
            return;
          }
        }
      }
    }

    void stop() {
      stopped = true;
      VideoIngestor ingestor = current;
      if (ingestor != null) {
        ingestor.stop();
      }
      synchronized (sleep) {
        sleep.notifyAll();
      }
    }

    /** Waits for the thread to end; false if it is still running (or we were interrupted). */
    boolean join(long millis) {
      try {
        thread.join(millis == Long.MAX_VALUE ? 0 : millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      return !thread.isAlive();
    }
  }
}
