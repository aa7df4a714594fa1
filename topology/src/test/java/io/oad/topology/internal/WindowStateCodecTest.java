package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** Encodings of the {@code camera-windows} store: keys, metadata and step vectors. */
class WindowStateCodecTest {
  private final Serde<WindowKey> keys = WindowKey.serde();

  @Test
  void shouldRoundTripKeysIncludingNonAsciiCameraIds() {
    for (WindowKey k :
        new WindowKey[] {
          WindowKey.meta("cam-1"), new WindowKey("cam-1", 0), new WindowKey("caméra#7", 63)
        }) {
      assertEquals(k, keys.deserializer().deserialize("t", keys.serializer().serialize("t", k)));
    }
    assertThrows(
        SerializationException.class, () -> keys.deserializer().deserialize("t", new byte[3]));
  }

  @Test
  void shouldRoundTripMetadataAndPlaceTheNewestStepInTheRing() {
    WindowMeta m = WindowMeta.first(5, 4, 3);
    for (int i = 0; i < 5; i++) {
      m = m.next(6 + i);
    }
    assertEquals(6, m.stepsSeen());
    assertEquals(1, m.newestSlot(), "step index 5 goes to slot 5 mod 4");
    assertEquals(4, m.held());
    assertEquals(m, WindowMeta.decode(m.encode()));
    assertTrue(m.fits(4, 3));
    byte[] bad = m.encode();
    bad[0] = 9;
    SerializationException e =
        assertThrows(SerializationException.class, () -> WindowMeta.decode(bad));
    assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    byte[] truncated = Arrays.copyOf(m.encode(), 10);
    assertThrows(SerializationException.class, () -> WindowMeta.decode(truncated));
  }

  @Test
  void shouldRoundTripVectorsAndRejectTheWrongLength() {
    float[] v = {1.5f, -2.25f, Float.MIN_VALUE};
    byte[] raw = CameraWindowStore.encodeVector(v);
    assertEquals(12, raw.length);
    assertArrayEquals(v, CameraWindowStore.decodeVector(raw, 3));
    assertThrows(SerializationException.class, () -> CameraWindowStore.decodeVector(raw, 4));
  }
}
