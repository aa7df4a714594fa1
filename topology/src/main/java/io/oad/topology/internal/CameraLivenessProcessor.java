package io.oad.topology.internal;

import io.oad.contract.ActionEvent;
import io.oad.contract.ActionEvent.Type;
import io.oad.topology.DetectorMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Reports cameras that go silent and come back, by wall-clock time. Every input record stamps its
 * camera's wall-clock last-seen time in the {@code camera-last-seen} store (and, if the camera was
 * offline, emits CAMERA_ONLINE); a wall-clock punctuator walks the store and emits CAMERA_OFFLINE
 * for each camera silent for {@code offlineMs}, and reports the online count to the metrics.
 */
public final class CameraLivenessProcessor<V> implements Processor<String, V, String, ActionEvent> {
  private final DetectorMetrics metrics;
  private final String storeName;
  private final long offlineMs;

  private ProcessorContext<String, ActionEvent> context;
  private KeyValueStore<String, byte[]> store;
  private String task;
  private int online;

  /**
   * A processor reporting cameras silent for {@code offlineMs}, with state in {@code storeName}.
   */
  public CameraLivenessProcessor(DetectorMetrics metrics, String storeName, long offlineMs) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    if (offlineMs < 1) {
      throw new IllegalArgumentException("offlineMs must be >= 1, got " + offlineMs);
    }
    this.offlineMs = offlineMs;
  }

  @Override
  public void init(ProcessorContext<String, ActionEvent> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    this.task = context.taskId().toString();
    long every = Math.max(10, Math.min(1_000, offlineMs / 4));
    context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::check);
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
    if (before == null || before.offline()) {
      online++;
      metrics.camerasOnline(task, online);
    }
    if (before != null && before.offline()) {
      emit(new ActionEvent(camera, Type.CAMERA_ONLINE, null, before.wallMs(), now, 0), now);
    }
    store.put(camera, new LastSeen(now, false).encode());
  }

  private void check(long now) {
    List<KeyValue<String, LastSeen>> silent = new ArrayList<>();
    int count = 0;
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        LastSeen seen = LastSeen.decode(kv.value);
        if (seen.offline()) {
          continue;
        }
        if (now - seen.wallMs() >= offlineMs) {
          silent.add(KeyValue.pair(kv.key, seen));
        } else {
          count++;
        }
      }
    }
    for (KeyValue<String, LastSeen> kv : silent) {
      store.put(kv.key, new LastSeen(kv.value.wallMs(), true).encode());
      emit(new ActionEvent(kv.key, Type.CAMERA_OFFLINE, null, kv.value.wallMs(), -1, 0), now);
    }
    online = count;
    metrics.camerasOnline(task, online);
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
