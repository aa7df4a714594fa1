package io.oad.topology.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per-camera step windows on top of the {@code camera-windows} key-value store, as a ring buffer:
 * one entry per step slot (a little-endian float32 vector; slot {@code step % T}) plus one {@link
 * WindowMeta} entry. A frame therefore writes one vector and the small metadata, not the whole T x
 * D window, which keeps the changelog at roughly the size of the input.
 */
public final class CameraWindowStore {
  private final KeyValueStore<WindowKey, byte[]> store;

  /** Wraps {@code store}. */
  public CameraWindowStore(KeyValueStore<WindowKey, byte[]> store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** The camera's metadata, or {@code null} when it has none (or only an outdated version). */
  public WindowMeta meta(String camera) {
    byte[] raw = store.get(WindowKey.meta(camera));
    return raw == null || WindowMeta.isOutdated(raw) ? null : WindowMeta.decode(raw);
  }

  /** Stores the camera's metadata. */
  public void putMeta(String camera, WindowMeta meta) {
    store.put(WindowKey.meta(camera), meta.encode());
  }

  /** Stores {@code vector} as step {@code step} of the ring that {@code meta} describes. */
  public void putStep(String camera, WindowMeta meta, long step, float[] vector) {
    if (vector.length != meta.dimension()) {
      throw new IllegalArgumentException(
          "step of dimension " + vector.length + ", metadata says " + meta.dimension());
    }
    store.put(new WindowKey(camera, meta.slot(step)), encodeVector(vector));
  }

  /** The vector of step {@code step}; it must still be in the ring. */
  public float[] step(String camera, WindowMeta meta, long step) {
    int slot = meta.slot(step);
    byte[] raw = store.get(new WindowKey(camera, slot));
    if (raw == null) {
      throw new SerializationException(
          "camera " + camera + " has no stored step in slot " + slot + " (" + meta + ")");
    }
    return decodeVector(raw, meta.dimension());
  }

  /**
   * The steps of the open step's window, oldest first, ending with the open step ({@code
   * meta.held()} of them).
   *
   * @throws SerializationException if a slot is missing or malformed
   */
  public List<float[]> openWindow(String camera, WindowMeta meta) {
    int held = meta.held();
    List<float[]> steps = new ArrayList<>(held);
    for (long s = meta.openStep() - held + 1; s <= meta.openStep(); s++) {
      steps.add(step(camera, meta, s));
    }
    return steps;
  }

  /**
   * Deletes the camera's metadata and, when {@code meta} (its current metadata) is known, its ring
   * slots; the deletes are tombstones in the changelog. Slots of metadata that cannot be read are
   * left (their number is unknown; they are overwritten if the camera comes back).
   */
  public void delete(String camera, WindowMeta meta) {
    if (meta != null) {
      for (int slot = 0; slot < meta.window(); slot++) {
        store.delete(new WindowKey(camera, slot));
      }
    }
    store.delete(WindowKey.meta(camera));
  }

  /** Cameras whose open step has not been predicted yet (a full scan; for recovery only). */
  public List<String> camerasWithOpenSteps() {
    List<String> cameras = new ArrayList<>();
    try (KeyValueIterator<WindowKey, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<WindowKey, byte[]> kv = it.next();
        if (kv.key.slot() == WindowKey.META
            && !WindowMeta.isOutdated(kv.value)
            && !WindowMeta.decode(kv.value).openEmitted()) {
          cameras.add(kv.key.camera());
        }
      }
    }
    return cameras;
  }

  static byte[] encodeVector(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  static float[] decodeVector(byte[] raw, int dimension) {
    if (raw.length != 4 * dimension) {
      throw new SerializationException(
          "stored step has " + raw.length + " bytes, expected " + 4 * dimension);
    }
    float[] v = new float[dimension];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }
}
