package io.oad.service.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a folder for new model versions and puts each one in service while the process runs.
 *
 * <p>A version is a subfolder of the watched folder that holds the role's marker file ({@code
 * model.json} for a detector archive, {@code backbone.json} for a backbone), so one folder can hold
 * both kinds. Subfolders whose name starts with {@code .} or ends with {@code .tmp} or {@code
 * .part} are ignored: copy a new version under such a name and rename it when complete.
 *
 * <p>Rules: at start the caller serves {@link #latest()} (the greatest subfolder name), and every
 * version present then counts as seen. Every poll (by default every 2 s) a subfolder that is new or
 * whose files changed (names, sizes, modification times) is installed once it looks the same on two
 * polls in a row (so a copy in progress is not read half-written); several in one poll are
 * installed in name order, so the greatest name ends up serving. The {@link Installer} loads,
 * validates and switches; when it throws, the version is refused with an ERROR log line naming the
 * folder and the reason, {@code oad_model_reload_failures_total} counts it, and the serving version
 * stays. A refused folder is retried only when its files change.
 */
public final class ModelWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

  /** Default poll interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  /** Loads, validates and puts one version in service. */
  @FunctionalInterface
  public interface Installer {
    /**
     * Puts the version in {@code folder} in service.
     *
     * @return the id of the version now serving
     * @throws Exception saying why the version is refused (the serving one must stay)
     */
    String install(Path folder) throws Exception;
  }

  private final String role;
  private final Path dir;
  private final String marker;
  private final ModelMetrics metrics;
  private final Duration interval;
  private final Map<Path, String> seen = new HashMap<>();
  private final Map<Path, String> settling = new HashMap<>();
  private volatile ScheduledExecutorService timer;

  /**
   * A watcher (not started) of {@code dir}.
   *
   * @param role metric label, e.g. {@link ModelMetrics#ROLE_DETECTOR}
   * @param marker the file that makes a subfolder a version of this role
   */
  public ModelWatcher(
      String role, Path dir, String marker, ModelMetrics metrics, Duration interval) {
    this.role = Objects.requireNonNull(role, "role");
    this.dir = Objects.requireNonNull(dir, "dir");
    this.marker = Objects.requireNonNull(marker, "marker");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval must be at least 1 ms: " + interval);
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("model folder " + dir + " is not a directory");
    }
    scan().forEach(seen::put);
  }

  /** The version to serve at start: the subfolder with the greatest name, if any. */
  public Optional<Path> latest() {
    return scan().keySet().stream().max(Comparator.comparing(p -> p.getFileName().toString()));
  }

  /** Polls on a daemon thread every interval, installing with {@code installer}. */
  public synchronized ModelWatcher start(Installer installer) {
    Objects.requireNonNull(installer, "installer");
    if (timer != null) {
      throw new IllegalStateException("already started");
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "oad-model-watcher-" + role);
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        () -> pollSafely(installer),
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info("watching {} for new {} versions (subfolders with {})", dir, role, marker);
    return this;
  }

  private void pollSafely(Installer installer) {
    try {
      poll(installer);
    } catch (RuntimeException e) {
      LOG.warn("scanning {} for {} versions failed; retrying", dir, role, e);
    }
  }

  /**
   * One poll: installs the versions that are new or changed and were the same at the last poll.
   *
   * @return the folders it tried to install, in order
   */
  public synchronized List<Path> poll(Installer installer) {
    Map<Path, String> now = scan();
    List<Path> ready = new ArrayList<>();
    Map<Path, String> nextSettling = new HashMap<>();
    now.forEach(
        (folder, fingerprint) -> {
          if (fingerprint.equals(seen.get(folder))) {
            return;
          }
          if (fingerprint.equals(settling.get(folder))) {
            ready.add(folder);
          } else {
            nextSettling.put(folder, fingerprint);
          }
        });
    settling.clear();
    settling.putAll(nextSettling);
    ready.sort(Comparator.comparing(p -> p.getFileName().toString()));
    for (Path folder : ready) {
      seen.put(folder, now.get(folder));
      install(installer, folder);
    }
    return ready;
  }

  private void install(Installer installer, Path folder) {
    long start = System.nanoTime();
    try {
      String id = installer.install(folder);
      metrics.reloaded(role);
      metrics.serving(role, id);
      LOG.info(
          "{} version {} from {} now serves (loaded and checked in {} ms)",
          role,
          id,
          folder,
          (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      metrics.reloadFailed(role);
      LOG.error(
          "refused the {} version in {}: {}; the previous version keeps serving",
          role,
          folder,
          describe(e));
      LOG.debug("refusal of {}", folder, e);
    } catch (LinkageError | OutOfMemoryError e) {
      metrics.reloadFailed(role);
      LOG.error("refused the {} version in {}: {}", role, folder, describe(e));
    }
  }

  private static String describe(Throwable e) {
    StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable cause = e.getCause();
    for (int i = 0; cause != null && i < 3; i++, cause = cause.getCause()) {
      if (cause.getMessage() != null && !s.toString().contains(cause.getMessage())) {
        s.append(" (").append(cause.getMessage()).append(')');
      }
    }
    return e.getClass().getSimpleName() + ": " + s;
  }

  /** The versions in the folder now, with a fingerprint of their files. */
  private Map<Path, String> scan() {
    Map<Path, String> found = new HashMap<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (name.startsWith(".") || name.endsWith(".tmp") || name.endsWith(".part")) {
          continue;
        }
        if (Files.isDirectory(child) && Files.isRegularFile(child.resolve(marker))) {
          found.put(child, fingerprint(child));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return found;
  }

  private static String fingerprint(Path folder) throws IOException {
    StringBuilder s = new StringBuilder();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.sorted().toList()) {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        s.append(f.getFileName())
            .append(':')
            .append(a.size())
            .append(':')
            .append(a.lastModifiedTime().toMillis())
            .append(';');
      }
    }
    return s.toString();
  }

  /** Stops polling. */
  @Override
  public void close() {
    ScheduledExecutorService t = timer;
    if (t != null) {
      t.shutdownNow();
      try {
        t.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
