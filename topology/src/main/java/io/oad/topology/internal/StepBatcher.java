package io.oad.topology.internal;

import io.oad.topology.DetectBatching;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.StepModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects the steps that the {@link WindowAndDetectProcessor}s of one stream thread (one per task)
 * have to predict and scores them together, so that one model call serves many cameras and tasks.
 *
 * <p>A processor gets a {@link Lane} and {@link #add adds} requests to it; whoever finds the batch
 * {@link #due} (or needs a camera's step now) calls {@link #flush}, which scores every pending
 * request of the thread and leaves each result in the lane of the processor that asked for it. A
 * processor only ever {@link Lane#drain drains} its own lane and forwards from its own context, so
 * no record crosses tasks. Methods are synchronized only as a safety net: all callers run on the
 * same stream thread.
 */
public final class StepBatcher {
  /**
   * One step to score.
   *
   * @param lane the lane of the processor that will forward the result
   * @param camera the camera
   * @param sequence sequence of the frame that forms the step
   * @param captureMs capture time of that frame
   * @param step the step's index on the camera's grid
   * @param warm whether the window holds T real steps
   * @param markEmitted whether forwarding the result must mark the step predicted in the store
   *     (false when the caller records that itself)
   * @param window the [T][D] window, a private copy
   * @param model the model of the requesting processor, which can score it
   * @param dueMs wall-clock time (task clock) the step became due
   * @param dueNanos {@link System#nanoTime()} when the step became due, for the wait metric
   */
  public record Request(
      Lane lane,
      String camera,
      long sequence,
      long captureMs,
      long step,
      boolean warm,
      boolean markEmitted,
      float[][] window,
      StepModel model,
      long dueMs,
      long dueNanos) {
    /** Validates the fields. */
    public Request {
      Objects.requireNonNull(lane, "lane");
      Objects.requireNonNull(camera, "camera");
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(model, "model");
      if (window.length == 0) {
        throw new IllegalArgumentException("empty window");
      }
    }

    private Shape shape() {
      return new Shape(window.length, window[0].length);
    }
  }

  /**
   * A scored request: one output row and the model version that computed it.
   *
   * @param request what was scored
   * @param current class probabilities now
   * @param future class probabilities per future offset (may be empty)
   * @param modelId id of the model version
   * @param classNames class names of that version
   */
  public record Result(
      Request request,
      float[] current,
      float[][] future,
      String modelId,
      List<String> classNames) {}

  private record Shape(int window, int dimension) {}

  /** The requests of one processor that are scored but not yet forwarded, and those waiting. */
  public static final class Lane {
    private final ArrayDeque<Result> done = new ArrayDeque<>();
    private final Map<String, Integer> waiting = new HashMap<>();

    private Lane() {}

    /** Whether a step of {@code camera} waits to be scored (scored ones are in {@link #drain}). */
    public boolean waiting(String camera) {
      synchronized (this) {
        return waiting.containsKey(camera);
      }
    }

    /** Takes the scored results, in the order they were added. */
    public List<Result> drain() {
      synchronized (this) {
        if (done.isEmpty()) {
          return List.of();
        }
        List<Result> out = new ArrayList<>(done);
        done.clear();
        return out;
      }
    }

    /** Requests of this lane that wait to be scored. */
    public int waitingCount() {
      synchronized (this) {
        return waiting.values().stream().mapToInt(Integer::intValue).sum();
      }
    }

    private synchronized void added(String camera) {
      waiting.merge(camera, 1, Integer::sum);
    }

    private synchronized void settled(String camera) {
      waiting.computeIfPresent(camera, (k, n) -> n == 1 ? null : n - 1);
    }

    private synchronized void scored(Result r) {
      settled(r.request().camera());
      done.add(r);
    }
  }

  private final DetectBatching batching;
  private final DetectorMetrics metrics;
  private final List<Request> pending = new ArrayList<>();

  /** A batcher with these limits, recording into {@code metrics}. */
  public StepBatcher(DetectBatching batching, DetectorMetrics metrics) {
    this.batching = Objects.requireNonNull(batching, "batching");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** The limits. */
  public DetectBatching batching() {
    return batching;
  }

  /** A new lane for one processor. */
  public Lane lane() {
    return new Lane();
  }

  /**
   * Queues {@code request}.
   *
   * @return true if the batch must be scored now: it is full, or batching is off
   */
  public synchronized boolean add(Request request) {
    request.lane().added(request.camera());
    pending.add(request);
    return !batching.enabled() || pending.size() >= batching.maxBatch();
  }

  /** Requests of all lanes waiting to be scored. */
  public synchronized int pending() {
    return pending.size();
  }

  /** Whether the batch should be scored at {@code nowMs}: full, or its oldest step waited long. */
  public synchronized boolean due(long nowMs) {
    if (pending.isEmpty()) {
      return false;
    }
    return !batching.enabled()
        || pending.size() >= batching.maxBatch()
        || nowMs - pending.get(0).dueMs() >= batching.maxWaitMs();
  }

  /**
   * Scores every pending request, in model calls of at most {@code maxBatch} windows of one shape,
   * and leaves each result in its lane.
   *
   * @return requests scored
   * @throws RuntimeException from the model; the requests of the failed call are dropped (their
   *     steps stay marked not predicted in the store), later ones stay pending
   */
  public synchronized int flush() {
    if (pending.isEmpty()) {
      return 0;
    }
    Map<Shape, List<Request>> byShape = new java.util.LinkedHashMap<>();
    for (Request r : pending) {
      byShape.computeIfAbsent(r.shape(), s -> new ArrayList<>()).add(r);
    }
    pending.clear();
    List<List<Request>> calls = new ArrayList<>();
    for (List<Request> group : byShape.values()) {
      for (int from = 0; from < group.size(); from += batching.maxBatch()) {
        calls.add(group.subList(from, Math.min(group.size(), from + batching.maxBatch())));
      }
    }
    int scored = 0;
    for (int i = 0; i < calls.size(); i++) {
      List<Request> call = calls.get(i);
      try {
        score(call);
      } catch (RuntimeException e) {
        call.forEach(r -> r.lane().settled(r.camera()));
        for (int j = i + 1; j < calls.size(); j++) {
          pending.addAll(calls.get(j));
        }
        throw e;
      }
      scored += call.size();
    }
    return scored;
  }

  private void score(List<Request> call) {
    int n = call.size();
    float[][][] windows = new float[n][][];
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Request r = call.get(i);
      windows[i] = r.window();
      metrics.batchWait(start - r.dueNanos());
    }
    StepModel model = call.get(0).model();
    StepModel.Scored scored = model.score(windows);
    metrics.batch(n, System.nanoTime() - start);
    StepModel.Output out = scored == null ? null : scored.output();
    if (out == null || out.current() == null || out.current().length != n) {
      throw new IllegalStateException(
          "model "
              + model.modelId()
              + " returned "
              + (out == null || out.current() == null ? "no" : out.current().length)
              + " output rows for a batch of "
              + n);
    }
    boolean hasFuture = out.future() != null && out.future().length == n;
    for (int i = 0; i < n; i++) {
      Request r = call.get(i);
      float[][] future = hasFuture && out.future()[i] != null ? out.future()[i] : new float[0][];
      r.lane()
          .scored(new Result(r, out.current()[i], future, scored.modelId(), scored.classNames()));
    }
  }

  /**
   * Removes the lane's waiting requests and scored results (its processor closes).
   *
   * @return how many steps of the lane were not forwarded
   */
  public synchronized int remove(Lane lane) {
    int before = pending.size();
    pending.removeIf(r -> r.lane() == lane);
    int removed = before - pending.size();
    synchronized (lane) {
      removed += lane.done.size();
      lane.done.clear();
      lane.waiting.clear();
    }
    return removed;
  }
}
