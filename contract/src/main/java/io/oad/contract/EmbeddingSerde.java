package io.oad.contract;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary encoding of {@link Embedding}, little endian:
 *
 * <pre>
 * byte   version (= 1)
 * int64  sequence
 * int64  capture time (epoch ms)
 * int16  length of extractor id, then its UTF-8 bytes
 * int32  dimension d
 * d x float32 vector
 * </pre>
 *
 * A {@code null} value stays {@code null} both ways. Anything malformed raises {@link
 * ContractException}.
 */
public final class EmbeddingSerde
    implements Serde<Embedding>, Serializer<Embedding>, Deserializer<Embedding> {
  /** Current schema version. */
  public static final byte VERSION = 1;

  @Override
  public byte[] serialize(String topic, Embedding e) {
    if (e == null) {
      return null;
    }
    byte[] id = e.extractorId().getBytes(StandardCharsets.UTF_8);
    if (id.length > Short.MAX_VALUE) {
      throw new ContractException("extractor id longer than " + Short.MAX_VALUE + " bytes");
    }
    ByteBuffer b =
        ByteBuffer.allocate(1 + 8 + 8 + 2 + id.length + 4 + 4 * e.dimension())
            .order(ByteOrder.LITTLE_ENDIAN);
    b.put(VERSION)
        .putLong(e.sequence())
        .putLong(e.captureTimeMs())
        .putShort((short) id.length)
        .put(id);
    b.putInt(e.dimension());
    for (float v : e.vector()) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Override
  public Embedding deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      byte version = b.get();
      if (version != VERSION) {
        throw new ContractException(
            "unknown embedding schema version " + version + " (expected " + VERSION + ")");
      }
      long seq = b.getLong();
      long time = b.getLong();
      int idLen = b.getShort();
      if (idLen < 0 || idLen > b.remaining()) {
        throw new ContractException("bad extractor id length " + idLen);
      }
      byte[] id = new byte[idLen];
      b.get(id);
      int dim = b.getInt();
      if (dim <= 0 || dim > Embedding.MAX_DIMENSION) {
        throw new ContractException(
            "embedding dimension " + dim + " outside 1.." + Embedding.MAX_DIMENSION);
      }
      if (b.remaining() != 4L * dim) {
        throw new ContractException(
            "embedding declares " + dim + " floats but carries " + b.remaining() + " bytes");
      }
      float[] v = new float[dim];
      b.asFloatBuffer().get(v);
      return new Embedding(seq, time, new String(id, StandardCharsets.UTF_8), v);
    } catch (BufferUnderflowException e) {
      throw new ContractException("embedding record truncated at " + data.length + " bytes");
    }
  }

  @Override
  public Serializer<Embedding> serializer() {
    return this;
  }

  @Override
  public Deserializer<Embedding> deserializer() {
    return this;
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
