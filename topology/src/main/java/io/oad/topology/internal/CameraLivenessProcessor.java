package io.oad.topology.internal;

import io.oad.contract.ActionEvent;
import io.oad.contract.ActionEvent.Type;
import io.oad.topology.DetectorMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports cameras that go silent and come back, by wall-clock time, and removes cameras silent
 * longer than the retention from every store.
 *
 * <p>Liveness: every input record stamps its camera's wall-clock last-seen time in the {@code
 * camera-last-seen} store (and, if the camera was offline, emits CAMERA_ONLINE). The cameras not
 * reported offline are also kept in memory in last-seen order, so the offline check (a wall-clock
 * punctuator every {@code min(1 s, offlineMs/4)}) reads only the cameras that just went silent and
 * emits CAMERA_OFFLINE for each, instead of scanning the store; the in-memory index is rebuilt from
 * the store by one scan on the first punctuation after a (re)start.
 *
 * <p>Retention: a second wall-clock punctuator, every {@code retentionMs/8} (at least every second,
 * at most every hour), scans {@code camera-last-seen} once and removes each camera silent for
 * {@code retentionMs} from {@code camera-windows} (its metadata and ring slots), {@code
 * camera-episodes} and {@code camera-last-seen} with deletes, i.e. tombstones in the changelogs. An
 * action still active on such a camera gets its ACTION_ENDED first (end time: the capture time of
 * the camera's last step, else the episode's start). A camera is therefore removed at most one
 * sweep interval after the retention has passed; the sweep costs one scan of the cameras seen
 * within the retention (plus one interval) per sweep, not per second. Trade-off: no secondary index
 * by time is kept, because a changelogged index would double the writes per frame; a scan every
 * retention/8 is cheap against that.
 */
public final class CameraLivenessProcessor<V> implements Processor<String, V, String, ActionEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(CameraLivenessProcessor.class);

  private final DetectorMetrics metrics;
  private final String storeName;
  private final String windowsStoreName;
  private final String episodesStoreName;
  private final long offlineMs;
  private final long retentionMs;

  /** Cameras not reported offline, by wall-clock last-seen time, oldest first. */
  private final LinkedHashMap<String, Long> online = new LinkedHashMap<>();

  private ProcessorContext<String, ActionEvent> context;
  private KeyValueStore<String, byte[]> store;
  private CameraWindowStore windows;
  private KeyValueStore<String, byte[]> episodes;
  private String task;
  private boolean indexed;

  /**
   * A processor reporting cameras silent for {@code offlineMs} and removing cameras silent for
   * {@code retentionMs}, with its state in {@code storeName} and the other per-camera state in
   * {@code windowsStoreName} and {@code episodesStoreName}.
   */
  public CameraLivenessProcessor(
      DetectorMetrics metrics,
      String storeName,
      String windowsStoreName,
      String episodesStoreName,
      long offlineMs,
      long retentionMs) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.windowsStoreName = Objects.requireNonNull(windowsStoreName, "windowsStoreName");
    this.episodesStoreName = Objects.requireNonNull(episodesStoreName, "episodesStoreName");
    if (offlineMs < 1) {
      throw new IllegalArgumentException("offlineMs must be >= 1, got " + offlineMs);
    }
    if (retentionMs <= offlineMs) {
      throw new IllegalArgumentException(
          "retentionMs " + retentionMs + " must exceed offlineMs " + offlineMs);
    }
    this.offlineMs = offlineMs;
    this.retentionMs = retentionMs;
  }

  @Override
  public void init(ProcessorContext<String, ActionEvent> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    KeyValueStore<WindowKey, byte[]> w = context.getStateStore(windowsStoreName);
    this.windows = new CameraWindowStore(w);
    this.episodes = context.getStateStore(episodesStoreName);
    this.task = context.taskId().toString();
    long every = Math.max(10, Math.min(1_000, offlineMs / 4));
    context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::check);
    context.schedule(
        Duration.ofMillis(sweepIntervalMs(retentionMs)),
        PunctuationType.WALL_CLOCK_TIME,
        this::expire);
  }

  /** How often the retention sweep runs: retention/8, between 1 s and 1 h. */
  static long sweepIntervalMs(long retentionMs) {
    return Math.max(1_000, Math.min(3_600_000, retentionMs / 8));
  }

  @Override
  public void process(Record<String, V> record) {
    String camera = record.key();
    if (camera == null) {
      return;
    }
    long now = context.currentSystemTimeMs();
    byte[] raw = store.get(camera);
    LastSeen before = raw == null ? null : LastSeen.decode(raw);
    if (before != null && before.offline()) {
      emit(new ActionEvent(camera, Type.CAMERA_ONLINE, null, before.wallMs(), now, 0), now);
    }
    store.put(camera, new LastSeen(now, false).encode());
    online.remove(camera); // re-inserted last: the map stays in last-seen order
    online.put(camera, now);
    metrics.camerasOnline(task, online.size());
  }

  /** After a (re)start the in-memory index is empty; the store knows who is online. */
  private void index() {
    if (indexed) {
      return;
    }
    indexed = true;
    List<KeyValue<String, Long>> found = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        LastSeen seen = LastSeen.decode(kv.value);
        if (!seen.offline() && !online.containsKey(kv.key)) {
          found.add(KeyValue.pair(kv.key, seen.wallMs()));
        }
      }
    }
    if (found.isEmpty()) {
      return;
    }
    // restored cameras are older than any seen since the start: put them first, oldest first
    found.sort((a, b) -> Long.compare(a.value, b.value));
    LinkedHashMap<String, Long> merged = new LinkedHashMap<>();
    found.forEach(kv -> merged.put(kv.key, kv.value));
    merged.putAll(online);
    online.clear();
    online.putAll(merged);
  }

  private void check(long now) {
    index();
    Iterator<Map.Entry<String, Long>> it = online.entrySet().iterator();
    List<Map.Entry<String, Long>> silent = new ArrayList<>();
    while (it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      if (now - e.getValue() < offlineMs) {
        break; // last-seen order: every later camera was seen more recently
      }
      silent.add(Map.entry(e.getKey(), e.getValue()));
      it.remove();
    }
    for (Map.Entry<String, Long> e : silent) {
      store.put(e.getKey(), new LastSeen(e.getValue(), true).encode());
      emit(new ActionEvent(e.getKey(), Type.CAMERA_OFFLINE, null, e.getValue(), -1, 0), now);
    }
    metrics.camerasOnline(task, online.size());
  }

  private void expire(long now) {
    index();
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (now - LastSeen.decode(kv.value).wallMs() >= retentionMs) {
          expired.add(kv.key);
        }
      }
    }
    for (String camera : expired) {
      remove(camera);
    }
    if (!expired.isEmpty()) {
      LOG.info(
          "removed {} cameras silent for more than {} ms from the stores",
          expired.size(),
          retentionMs);
      metrics.camerasOnline(task, online.size());
    }
  }

  /** Ends the camera's active actions, then deletes it from every store. */
  private void remove(String camera) {
    WindowMeta meta = null;
    try {
      meta = windows.meta(camera);
    } catch (SerializationException e) {
      LOG.warn("camera {}: unreadable window metadata removed: {}", camera, e.getMessage());
    }
    byte[] rawEpisodes = episodes.get(camera);
    if (rawEpisodes != null) {
      try {
        CameraEpisodes state = CameraEpisodes.decode(rawEpisodes);
        for (Map.Entry<String, ActionEpisode> e : state.byAction.entrySet()) {
          ActionEpisode a = e.getValue();
          if (a.active) {
            long end = meta != null ? Math.max(meta.openCaptureMs(), a.startMs) : a.startMs;
            emit(
                new ActionEvent(camera, Type.ACTION_ENDED, e.getKey(), a.startMs, end, a.peak),
                end);
          }
        }
      } catch (SerializationException e) {
        LOG.warn("camera {}: unreadable episode state removed: {}", camera, e.getMessage());
      }
      episodes.delete(camera);
    }
    windows.delete(camera, meta);
    store.delete(camera);
    online.remove(camera);
    metrics.cameraExpired();
  }

  private void emit(ActionEvent event, long timestamp) {
    context.forward(new Record<>(event.camera(), event, timestamp));
    metrics.event(event.type().name());
  }

  @Override
  public void close() {
    if (task != null) {
      metrics.forgetTask(task);
    }
  }

  /** A camera's wall-clock last-seen time and whether it was reported offline. */
  record LastSeen(long wallMs, boolean offline) {
    private static final int BYTES = 9;

    byte[] encode() {
      return ByteBuffer.allocate(BYTES).putLong(wallMs).put((byte) (offline ? 1 : 0)).array();
    }

    static LastSeen decode(byte[] raw) {
      if (raw.length != BYTES) {
        throw new SerializationException(
            "last-seen entry has " + raw.length + " bytes, expected " + BYTES);
      }
      ByteBuffer b = ByteBuffer.wrap(raw);
      return new LastSeen(b.getLong(), b.get() != 0);
    }
  }
}
