package io.oad.topology;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StepModel} whose version can be replaced while the topology runs (a hot swap). Every
 * {@link #score} call takes one snapshot of the serving version, so the output, the model id and
 * the class names of a prediction always come from the same version; a swap takes effect between
 * two calls, never inside one.
 *
 * <p>What a new version must keep: the window T and the feature dimension (the per-camera windows
 * in the state stores are shaped by them). What may change: the weights, the model id and the class
 * names (each prediction carries those of the version that made it). {@link #swap} checks this and
 * runs a smoke prediction on a window of zeros before the switch; a version that fails is refused
 * and the serving one stays.
 *
 * <p>Shadow mode: {@link #startShadow} runs a candidate version next to the serving one on the same
 * windows; its outputs go only to a {@link ShadowObserver} (metrics), never into predictions, and
 * its failures never touch the serving path. {@link #promoteShadow} then makes it serve.
 *
 * <p>A replaced version is closed once the last call that took it has returned. One instance is
 * shared by every stream task (the supplier of {@link DetectorApp} may return it each time): {@link
 * #close()} does nothing, the owner calls {@link #shutdown()} when the application stopped.
 */
public final class SwappableStepModel implements StepModel {
  private static final Logger LOG = LoggerFactory.getLogger(SwappableStepModel.class);

  private final AtomicReference<Version> current;
  private final AtomicReference<Shadow> shadow = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicBoolean shutDown =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final int window;
  private final int featureDim;

  /**
   * Serves {@code initial} and closes {@code resources} when it is replaced or shut down.
   *
   * @param resources what to close with the version (e.g. the model behind the port); may be null
   */
  public SwappableStepModel(StepModel initial, AutoCloseable resources) {
    Objects.requireNonNull(initial, "initial");
    this.window = initial.window();
    this.featureDim = initial.featureDim();
    this.current = new AtomicReference<>(new Version(initial, resources));
  }

  /**
   * Validates {@code next} and, if it passes, makes it the serving version; the replaced version is
   * closed once no call uses it any more. On refusal {@code next} and its {@code resources} are
   * closed and the serving version stays.
   *
   * @return the id of the replaced version
   * @throws IllegalArgumentException naming what is wrong with {@code next}
   */
  public String swap(StepModel next, AutoCloseable resources) {
    Objects.requireNonNull(next, "next");
    try {
      validate(next);
    } catch (RuntimeException e) {
      closeQuietly(next, resources);
      throw e;
    }
    Version old = current.getAndSet(new Version(next, resources));
    if (!old.model.classNames().equals(next.classNames())) {
      LOG.warn(
          "model {} has other classes than {}: {} instead of {}",
          next.modelId(),
          old.model.modelId(),
          next.classNames(),
          old.model.classNames());
    }
    LOG.info("model {} now serves (was {})", next.modelId(), old.model.modelId());
    old.release();
    return old.model.modelId();
  }

  /**
   * The checks {@link #swap} makes: same window and feature dimension as the serving version, class
   * names that match the output, and a smoke prediction on a window of zeros that returns one row
   * of finite probabilities per output.
   *
   * @throws IllegalArgumentException naming the first broken rule
   */
  public void validate(StepModel next) {
    String id = next.modelId();
    if (next.window() != window || next.featureDim() != featureDim) {
      throw new IllegalArgumentException(
          "model "
              + id
              + " takes windows of "
              + next.window()
              + " steps of "
              + next.featureDim()
              + " features; the serving model takes "
              + window
              + " x "
              + featureDim
              + " (the topology's windows are shaped by them; a new shape needs a restart)");
    }
    List<String> classes = next.classNames();
    if (classes == null || classes.isEmpty()) {
      throw new IllegalArgumentException("model " + id + " names no classes");
    }
    Output out;
    try {
      out = next.predict(new float[][][] {new float[window][featureDim]});
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "model " + id + " failed a smoke prediction on a window of zeros: " + e.getMessage(), e);
    }
    if (out == null || out.current() == null || out.current().length != 1) {
      throw new IllegalArgumentException("model " + id + " returned no output row for a window");
    }
    requireFinite(id, "current", out.current()[0], classes.size());
    if (out.future() != null && out.future().length > 0) {
      if (out.future().length != 1) {
        throw new IllegalArgumentException("model " + id + " returned no future row for a window");
      }
      for (float[] step : out.future()[0]) {
        requireFinite(id, "future", step, classes.size());
      }
    }
  }

  private static void requireFinite(String id, String what, float[] row, int classes) {
    if (row == null || row.length != classes) {
      throw new IllegalArgumentException(
          "model "
              + id
              + " returned "
              + (row == null ? "no" : row.length)
              + " "
              + what
              + " scores for "
              + classes
              + " class names");
    }
    for (float v : row) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(
            "model " + id + " returned a non-finite " + what + " score (" + v + ") for zeros");
      }
    }
  }

  /** Receives the outputs of the serving and the shadow version for the same windows. */
  @FunctionalInterface
  public interface ShadowObserver {
    /**
     * Called on the scoring thread after each score call while a shadow runs; must be quick.
     *
     * @param serving what the serving version returned (and the topology uses)
     * @param shadow what the shadow version returned for the same windows, or null if it failed
     * @param shadowNanos time the shadow version took
     */
    void compared(Scored serving, Scored shadow, long shadowNanos);
  }

  private record Shadow(Version version, ShadowObserver observer) {}

  /**
   * Runs {@code candidate} in shadow mode after the checks of {@link #validate}; a shadow already
   * running is dropped (and closed). On refusal {@code candidate} and {@code resources} are closed.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code candidate}
   */
  public void startShadow(StepModel candidate, AutoCloseable resources, ShadowObserver observer) {
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(observer, "observer");
    try {
      validate(candidate);
    } catch (RuntimeException e) {
      closeQuietly(candidate, resources);
      throw e;
    }
    Shadow before = shadow.getAndSet(new Shadow(new Version(candidate, resources), observer));
    if (before != null) {
      before.version().release();
    }
    LOG.info(
        "model {} runs in shadow mode next to {}",
        candidate.modelId(),
        current.get().model.modelId());
  }

  /** The id of the version running in shadow mode, or null. */
  public String shadowModelId() {
    Shadow s = shadow.get();
    return s == null ? null : s.version().model.modelId();
  }

  /**
   * Makes the shadow version serve (it passed the checks when it started); the replaced version is
   * closed once no call uses it.
   *
   * @return the id of the replaced version
   * @throws IllegalStateException if no shadow runs
   */
  public String promoteShadow() {
    Shadow s = shadow.getAndSet(null);
    if (s == null) {
      throw new IllegalStateException("no model runs in shadow mode");
    }
    Version old = current.getAndSet(s.version());
    LOG.info(
        "shadow model {} now serves (was {})", s.version().model.modelId(), old.model.modelId());
    old.release();
    return old.model.modelId();
  }

  /** Stops and closes the shadow version, if any. */
  public void dropShadow() {
    Shadow s = shadow.getAndSet(null);
    if (s != null) {
      LOG.info("shadow model {} dropped", s.version().model.modelId());
      s.version().release();
    }
  }

  @Override
  public int window() {
    return window;
  }

  @Override
  public int featureDim() {
    return featureDim;
  }

  @Override
  public List<String> classNames() {
    return current.get().model.classNames();
  }

  /** The id of the version serving now (the next {@link #score} may already use another). */
  @Override
  public String modelId() {
    return current.get().model.modelId();
  }

  @Override
  public Output predict(float[][][] windows) {
    return score(windows).output();
  }

  /** Scores with one version and names it; a concurrent swap does not affect this call. */
  @Override
  public Scored score(float[][][] windows) {
    Version v = acquire();
    Scored scored;
    try {
      scored = new Scored(v.model.predict(windows), v.model.modelId(), v.model.classNames());
    } finally {
      v.release();
    }
    Shadow s = shadow.get();
    if (s != null && s.version().tryAcquire()) {
      runShadow(s, windows, scored);
    }
    return scored;
  }

  /** Scores with the shadow version (already acquired) and reports; never throws. */
  private static void runShadow(Shadow s, float[][][] windows, Scored serving) {
    StepModel m = s.version().model;
    long start = System.nanoTime();
    Scored result = null;
    try {
      result = new Scored(m.predict(windows), m.modelId(), m.classNames());
    } catch (RuntimeException e) {
      LOG.debug("shadow model {} failed", m.modelId(), e);
    } finally {
      s.version().release();
    }
    try {
      s.observer().compared(serving, result, System.nanoTime() - start);
    } catch (RuntimeException e) {
      LOG.warn("shadow observer failed", e);
    }
  }

  private Version acquire() {
    while (true) {
      Version v = current.get();
      if (v.tryAcquire()) {
        return v;
      }
      // v was replaced and closed between the read and the acquire: read the new one
    }
  }

  /** Does nothing: the instance is shared by the stream tasks; see {@link #shutdown()}. */
  @Override
  public void close() {}

  /** Closes the serving version (once its calls returned); the model is unusable afterwards. */
  public void shutdown() {
    if (shutDown.compareAndSet(false, true)) {
      dropShadow();
      current.get().release();
    }
  }

  private static void closeQuietly(StepModel model, AutoCloseable resources) {
    try {
      model.close();
      if (resources != null) {
        resources.close();
      }
    } catch (Exception e) {
      LOG.warn("closing model {} failed", model.modelId(), e);
    }
  }

  /**
   * One version and the calls using it: the count starts at 1 (the reference held while it serves);
   * the version is closed when the count drops to 0, after which it cannot be acquired.
   */
  private static final class Version {
    final StepModel model;
    final AutoCloseable resources;
    final AtomicInteger users = new AtomicInteger(1);

    Version(StepModel model, AutoCloseable resources) {
      this.model = model;
      this.resources = resources;
    }

    boolean tryAcquire() {
      while (true) {
        int n = users.get();
        if (n == 0) {
          return false;
        }
        if (users.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    void release() {
      if (users.decrementAndGet() == 0) {
        closeQuietly(model, resources);
      }
    }
  }
}
