package io.oad.deploy.live;

import io.oad.contract.ActionEvent;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live view's memory and fan-out: keeps, per camera, the predictions of the last {@link
 * Options#historySeconds()} of capture time and the last events, and hands every new prediction and
 * event to the connected viewers as server-sent-event frames.
 *
 * <p>Everything is bounded: at most {@link Options#maxCameras()} cameras (the camera silent the
 * longest is forgotten to make room), at most {@link Options#maxHistory()} predictions and {@link
 * Options#maxEvents()} events per camera, at most {@link Options#maxViewers()} viewers, and per
 * viewer a queue of its snapshot plus {@link Options#viewerBacklog()} frames; a viewer that falls
 * further behind is dropped (its browser reconnects and starts again from a fresh snapshot) rather
 * than queued without limit. Thread-safe.
 */
public final class LiveHub implements AutoCloseable {
  /** SSE event name of a prediction frame (data: the {@code Prediction} JSON of the wire). */
  public static final String PREDICTION = "prediction";

  /** SSE event name of an event frame (data: the {@code ActionEvent} JSON of the wire). */
  public static final String EVENT = "event";

  /** SSE event name of the first frame of every connection (data: the view's settings). */
  public static final String HELLO = "hello";

  /** SSE event name telling the viewers to forget a camera (data: {@code {"camera": id}}). */
  public static final String FORGET = "forget";

  /**
   * Limits and settings of the live view.
   *
   * @param stepSeconds length of one model step, to show the lead time of future steps
   * @param historySeconds capture time kept per camera for the timeline
   * @param maxCameras cameras kept at once
   * @param maxHistory predictions kept per camera, whatever their capture times
   * @param maxEvents events kept per camera
   * @param maxViewers connected viewers at once
   * @param viewerBacklog frames a viewer may fall behind before it is dropped
   */
  public record Options(
      double stepSeconds,
      int historySeconds,
      int maxCameras,
      int maxHistory,
      int maxEvents,
      int maxViewers,
      int viewerBacklog) {
    /** Validates the fields. */
    public Options {
      if (!(stepSeconds > 0) || Double.isInfinite(stepSeconds)) {
        throw new IllegalArgumentException("stepSeconds must be > 0, got " + stepSeconds);
      }
      positive("historySeconds", historySeconds);
      positive("maxCameras", maxCameras);
      positive("maxHistory", maxHistory);
      positive("maxEvents", maxEvents);
      positive("maxViewers", maxViewers);
      positive("viewerBacklog", viewerBacklog);
    }

    /**
     * Defaults for a given step length: 30 s of history, 32 cameras, 480 predictions and 20 events
     * per camera, 4 viewers (the metrics server's threads are shared with {@code /metrics}), 2048
     * frames of backlog.
     */
    public static Options defaults(double stepSeconds) {
      return new Options(stepSeconds, 30, 32, 480, 20, 4, 2048);
    }

    private static void positive(String name, int v) {
      if (v < 1) {
        throw new IllegalArgumentException(name + " must be >= 1, got " + v);
      }
    }
  }

  private final Options options;
  private final Map<String, CameraState> cameras = new HashMap<>();
  private final List<Viewer> viewers = new ArrayList<>();
  private final AtomicLong viewersDropped = new AtomicLong();
  private final AtomicLong camerasForgotten = new AtomicLong();
  private final JsonSerde<Prediction> predictionJson = JsonSerde.predictions();
  private final JsonSerde<ActionEvent> eventJson = JsonSerde.events();
  private long sequence;
  private boolean closed;

  /** A hub with the given limits. */
  public LiveHub(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The limits in use. */
  public Options options() {
    return options;
  }

  /** Records a prediction and sends it to every viewer. */
  public void accept(Prediction p) {
    String frame = frame(PREDICTION, json(predictionJson.serialize(Topics.PREDICTIONS, p)));
    synchronized (this) {
      CameraState c = camera(p.camera());
      long window = options.historySeconds() * 1000L;
      if (p.captureTimeMs() < c.latestCaptureMs - window) {
        // capture time jumped back by more than the window (a camera restarted on an older clock)
        c.predictions.clear();
        c.latestCaptureMs = p.captureTimeMs();
      }
      c.predictions.addLast(new Entry(p.captureTimeMs(), frame));
      c.latestCaptureMs = Math.max(c.latestCaptureMs, p.captureTimeMs());
      long oldest = c.latestCaptureMs - window;
      while (c.predictions.size() > options.maxHistory()
          || c.predictions.peekFirst().captureTimeMs < oldest) {
        c.predictions.removeFirst();
      }
      broadcast(frame);
    }
  }

  /** Records an event and sends it to every viewer. */
  public void accept(ActionEvent e) {
    String frame = frame(EVENT, json(eventJson.serialize(Topics.EVENTS, e)));
    synchronized (this) {
      CameraState c = camera(e.camera());
      c.events.addLast(new Entry(e.startTimeMs(), frame));
      while (c.events.size() > options.maxEvents()) {
        c.events.removeFirst();
      }
      broadcast(frame);
    }
  }

  /**
   * Connects a viewer: its queue starts with the hello frame and a snapshot of every camera, then
   * receives every new frame.
   *
   * @return the viewer, or {@code null} when {@link Options#maxViewers()} are connected or the hub
   *     is closed
   */
  public synchronized Viewer connect() {
    if (closed || viewers.size() >= options.maxViewers()) {
      return null;
    }
    List<String> snapshot = new ArrayList<>();
    snapshot.add(frame(HELLO, hello()));
    for (CameraState c : cameras.values()) {
      c.predictions.forEach(e -> snapshot.add(e.frame));
      c.events.forEach(e -> snapshot.add(e.frame));
    }
    Viewer v = new Viewer(snapshot.size() + options.viewerBacklog());
    snapshot.forEach(v.queue::add);
    viewers.add(v);
    return v;
  }

  /** Disconnects a viewer (idempotent). */
  public synchronized void disconnect(Viewer v) {
    viewers.remove(v);
    v.close();
  }

  /** Viewers connected now. */
  public synchronized int viewers() {
    return viewers.size();
  }

  /** Viewers dropped so far because they fell {@link Options#viewerBacklog()} frames behind. */
  public long viewersDropped() {
    return viewersDropped.get();
  }

  /** Cameras forgotten so far to stay within {@link Options#maxCameras()}. */
  public long camerasForgotten() {
    return camerasForgotten.get();
  }

  /** Cameras currently kept. */
  public synchronized List<String> cameras() {
    return new ArrayList<>(cameras.keySet());
  }

  /** Predictions currently kept for a camera (0 when unknown). */
  public synchronized int historySize(String camera) {
    CameraState c = cameras.get(camera);
    return c == null ? 0 : c.predictions.size();
  }

  /** Ends every viewer's stream; later viewers are refused. */
  @Override
  public synchronized void close() {
    closed = true;
    viewers.forEach(Viewer::close);
    viewers.clear();
  }

  private CameraState camera(String id) {
    CameraState c = cameras.get(id);
    if (c == null) {
      if (cameras.size() >= options.maxCameras()) {
        forget(longestSilent(cameras.values()));
      }
      c = new CameraState(id);
      cameras.put(id, c);
    }
    c.touched = ++sequence;
    return c;
  }

  private static CameraState longestSilent(Collection<CameraState> all) {
    CameraState oldest = null;
    for (CameraState c : all) {
      if (oldest == null || c.touched < oldest.touched) {
        oldest = c;
      }
    }
    return oldest;
  }

  private void forget(CameraState c) {
    cameras.remove(c.id);
    camerasForgotten.incrementAndGet();
    broadcast(frame(FORGET, "{\"camera\":" + quote(c.id) + "}"));
  }

  private void broadcast(String frame) {
    for (var it = viewers.iterator(); it.hasNext(); ) {
      Viewer v = it.next();
      if (!v.queue.offer(frame)) {
        it.remove();
        v.close();
        viewersDropped.incrementAndGet();
      }
    }
  }

  private String hello() {
    return String.format(
        Locale.ROOT,
        "{\"stepSeconds\":%s,\"historySeconds\":%d,\"maxCameras\":%d,\"camerasForgotten\":%d}",
        Double.toString(options.stepSeconds()),
        options.historySeconds(),
        options.maxCameras(),
        camerasForgotten.get());
  }

  private static String json(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** One SSE frame; the JSON the serdes write has no line breaks, so one data line suffices. */
  static String frame(String event, String data) {
    return "event: " + event + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n";
  }

  /** A JSON string literal. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private record Entry(long captureTimeMs, String frame) {}

  private static final class CameraState {
    final String id;
    final ArrayDeque<Entry> predictions = new ArrayDeque<>();
    final ArrayDeque<Entry> events = new ArrayDeque<>();
    long latestCaptureMs =
        Long.MIN_VALUE / 2; // no capture yet; halved so that subtracting cannot overflow
    long touched;

    CameraState(String id) {
      this.id = id;
    }
  }

  /** One connected viewer: a bounded queue of SSE frames, read by the viewer's HTTP thread. */
  public static final class Viewer {
    private static final String END = new String("end");

    private final BlockingQueue<String> queue;
    private volatile boolean closed;

    private Viewer(int capacity) {
      this.queue = new LinkedBlockingQueue<>(capacity);
    }

    /**
     * The next frames, waiting at most {@code wait} for the first; empty when none came in time.
     *
     * @return {@code null} once the viewer is closed (dropped, disconnected or the hub closed)
     */
    public List<String> next(Duration wait, int max) throws InterruptedException {
      List<String> out = new ArrayList<>();
      if (closed) {
        return null;
      }
      String first = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (first == null) {
        return closed ? null : out;
      }
      out.add(first);
      queue.drainTo(out, max - 1);
      if (closed || out.remove(END)) {
        return null;
      }
      return out;
    }

    /** True once dropped, disconnected or the hub closed. */
    public boolean isClosed() {
      return closed;
    }

    private void close() {
      closed = true;
      queue.clear();
      queue.offer(END); // wakes the HTTP thread waiting in next()
    }
  }
}
