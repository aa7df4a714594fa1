package io.oad.topology.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Key of the {@code camera-windows} store: a camera's {@link #META} entry, or one slot of its ring
 * buffer of steps. Encoded as the camera id's UTF-8 bytes followed by the slot as a big-endian
 * int32, so that one camera's entries sit next to each other.
 *
 * @param camera camera id
 * @param slot {@link #META}, or a ring-buffer slot 0..T-1
 */
public record WindowKey(String camera, int slot) {
  /** Slot number of the metadata entry. */
  public static final int META = -1;

  /** Validates the fields. */
  public WindowKey {
    Objects.requireNonNull(camera, "camera");
    if (slot < META) {
      throw new IllegalArgumentException("slot must be >= " + META + ", got " + slot);
    }
  }

  /** The metadata key of {@code camera}. */
  public static WindowKey meta(String camera) {
    return new WindowKey(camera, META);
  }

  /** Serde of the key. */
  public static Serde<WindowKey> serde() {
    return new KeySerde();
  }

  private static final class KeySerde
      implements Serde<WindowKey>, Serializer<WindowKey>, Deserializer<WindowKey> {
    @Override
    public byte[] serialize(String topic, WindowKey key) {
      if (key == null) {
        return null;
      }
      byte[] camera = key.camera().getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(camera.length + 4).put(camera).putInt(key.slot()).array();
    }

    @Override
    public WindowKey deserialize(String topic, byte[] data) {
      if (data == null) {
        return null;
      }
      if (data.length < 4) {
        throw new SerializationException("window key of " + data.length + " bytes is too short");
      }
      int slot = ByteBuffer.wrap(data, data.length - 4, 4).getInt();
      try {
        return new WindowKey(new String(data, 0, data.length - 4, StandardCharsets.UTF_8), slot);
      } catch (IllegalArgumentException e) {
        throw new SerializationException("bad window key: " + e.getMessage(), e);
      }
    }

    @Override
    public Serializer<WindowKey> serializer() {
      return this;
    }

    @Override
    public Deserializer<WindowKey> deserializer() {
      return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}
  }
}
