package io.oad.topology.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per-camera windows on top of the {@code camera-windows} key-value store, as a ring buffer: one
 * entry per step slot (a little-endian float32 vector) plus one {@link WindowMeta} entry. Each step
 * therefore writes one vector and the small metadata, not the whole T x D window, which keeps the
 * changelog at roughly the size of the input (about 12 KB per step at D = 3072 instead of 786 KB).
 */
public final class CameraWindowStore {
  private final KeyValueStore<WindowKey, byte[]> store;

  /** Wraps {@code store}. */
  public CameraWindowStore(KeyValueStore<WindowKey, byte[]> store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** The camera's metadata, or {@code null} when it has none. */
  public WindowMeta meta(String camera) {
    byte[] raw = store.get(WindowKey.meta(camera));
    return raw == null ? null : WindowMeta.decode(raw);
  }

  /**
   * The held steps of {@code camera}, oldest first ({@code meta.held()} of them).
   *
   * @throws SerializationException if a slot is missing or malformed
   */
  public List<float[]> steps(String camera, WindowMeta meta) {
    int held = meta.held();
    List<float[]> steps = new ArrayList<>(held + 1);
    for (long step = meta.stepsSeen() - held; step < meta.stepsSeen(); step++) {
      int slot = (int) (step % meta.window());
      byte[] raw = store.get(new WindowKey(camera, slot));
      if (raw == null) {
        throw new SerializationException(
            "camera " + camera + " has no stored step in slot " + slot + " (" + meta + ")");
      }
      steps.add(decodeVector(raw, meta.dimension()));
    }
    return steps;
  }

  /** Stores {@code newest} as the step {@code meta} ends with, then {@code meta} itself. */
  public void put(String camera, WindowMeta meta, float[] newest) {
    if (newest.length != meta.dimension()) {
      throw new IllegalArgumentException(
          "step of dimension " + newest.length + ", metadata says " + meta.dimension());
    }
    store.put(new WindowKey(camera, meta.newestSlot()), encodeVector(newest));
    store.put(WindowKey.meta(camera), meta.encode());
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
