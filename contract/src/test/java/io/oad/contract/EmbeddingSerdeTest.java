package io.oad.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EmbeddingSerdeTest {
  private final EmbeddingSerde serde = new EmbeddingSerde();

  @Test
  void shouldRoundTripAnEmbedding() {
    Embedding e =
        new Embedding(42, 1_700_000_000_123L, "pooled-v1", new float[] {1f, -2.5f, 3e-7f, 0f});
    byte[] bytes = serde.serialize("t", e);
    Embedding back = serde.deserialize("t", bytes);
    assertEquals(e, back);
    assertArrayEquals(e.vector(), back.vector());
    assertEquals(e.hashCode(), back.hashCode());
  }

  @Test
  void shouldKeepNullAsNull() {
    assertNull(serde.serialize("t", null));
    assertNull(serde.deserialize("t", null));
  }

  @Test
  void shouldRefuseUnknownVersion() {
    byte[] bytes = serde.serialize("t", new Embedding(1, 2, "x", new float[] {1f}));
    bytes[0] = 9;
    ContractException ex =
        assertThrows(ContractException.class, () -> serde.deserialize("t", bytes));
    assertTrue(ex.getMessage().contains("version 9"), ex.getMessage());
  }

  @Test
  void shouldRefuseTruncatedAndEmptyRecords() {
    byte[] bytes = serde.serialize("t", new Embedding(1, 2, "x", new float[] {1f, 2f}));
    assertThrows(
        ContractException.class,
        () -> serde.deserialize("t", Arrays.copyOf(bytes, bytes.length - 1)));
    assertThrows(ContractException.class, () -> serde.deserialize("t", new byte[0]));
    assertThrows(ContractException.class, () -> serde.deserialize("t", Arrays.copyOf(bytes, 10)));
  }

  @Test
  void shouldRefuseNanAndAbsurdDimensions() {
    byte[] bytes = serde.serialize("t", new Embedding(1, 2, "x", new float[] {1f, 2f}));
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(bytes.length - 4, Float.NaN);
    ContractException nan =
        assertThrows(ContractException.class, () -> serde.deserialize("t", bytes));
    assertTrue(nan.getMessage().contains("not finite"), nan.getMessage());
    byte[] big = serde.serialize("t", new Embedding(1, 2, "x", new float[] {1f}));
    ByteBuffer.wrap(big)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(1 + 8 + 8 + 2 + 1, Integer.MAX_VALUE);
    ContractException dim =
        assertThrows(ContractException.class, () -> serde.deserialize("t", big));
    assertTrue(dim.getMessage().contains("dimension"), dim.getMessage());
  }

  @Test
  void shouldNeverThrowAnythingButContractExceptionOnRandomBytes() {
    java.util.Random r = new java.util.Random(7);
    byte[] good = serde.serialize("t", new Embedding(3, 4, "abc", new float[] {1f, 2f, 3f}));
    for (int i = 0; i < 20_000; i++) {
      byte[] m = r.nextBoolean() ? good.clone() : new byte[r.nextInt(64)];
      if (m.length > 0) {
        for (int k = 0; k < 1 + r.nextInt(4); k++) {
          m[r.nextInt(m.length)] = (byte) r.nextInt(256);
        }
      }
      try {
        serde.deserialize("t", m);
      } catch (ContractException expected) {
        // refused with a reason: fine
      }
    }
  }
}
