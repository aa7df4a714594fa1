package io.oad.topology.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary encoding of {@link CameraWindow} for the state store and its changelog, little
 * endian:
 *
 * <pre>
 * byte   version (= 1)
 * int64  steps seen
 * int64  last sequence
 * int32  number of held steps n
 * int32  dimension d
 * n x d x float32, oldest step first
 * </pre>
 *
 * A 64 x 3072 window takes about 786 KB. {@code null} stays {@code null}; anything malformed raises
 * {@link SerializationException}.
 */
public final class CameraWindowSerde
    implements Serde<CameraWindow>, Serializer<CameraWindow>, Deserializer<CameraWindow> {
  /** Current encoding version. */
  public static final byte VERSION = 1;

  private static final int HEADER_BYTES = 1 + 8 + 8 + 4 + 4;

  @Override
  public byte[] serialize(String topic, CameraWindow w) {
    if (w == null) {
      return null;
    }
    int n = w.steps().size();
    int d = w.dimension();
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 4 * n * d).order(ByteOrder.LITTLE_ENDIAN);
    b.put(VERSION).putLong(w.stepsSeen()).putLong(w.lastSequence()).putInt(n).putInt(d);
    for (float[] step : w.steps()) {
      for (float v : step) {
        b.putFloat(v);
      }
    }
    return b.array();
  }

  @Override
  public CameraWindow deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      byte version = b.get();
      if (version != VERSION) {
        throw new SerializationException(
            "unknown camera window version " + version + " (expected " + VERSION + ")");
      }
      long stepsSeen = b.getLong();
      long lastSequence = b.getLong();
      int n = b.getInt();
      int d = b.getInt();
      if (n < 0 || d < 0 || (long) n * d * 4 != b.remaining()) {
        throw new SerializationException(
            "camera window declares "
                + n
                + " x "
                + d
                + " floats but carries "
                + b.remaining()
                + " bytes");
      }
      List<float[]> steps = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        float[] step = new float[d];
        b.asFloatBuffer().get(step);
        b.position(b.position() + 4 * d);
        steps.add(step);
      }
      return new CameraWindow(stepsSeen, lastSequence, steps);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new SerializationException("malformed camera window: " + e.getMessage(), e);
    }
  }

  @Override
  public Serializer<CameraWindow> serializer() {
    return this;
  }

  @Override
  public Deserializer<CameraWindow> deserializer() {
    return this;
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
