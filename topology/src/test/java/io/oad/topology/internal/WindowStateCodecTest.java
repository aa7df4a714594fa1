package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
  void shouldRoundTripMetadataAndPlaceTheOpenStepInTheRing() {
    WindowMeta m = WindowMeta.first(5, 1_000, 4, 3);
    for (int i = 1; i <= 5; i++) {
      m = m.withSeen(5 + i).openedAt(i, 5 + i, 1_000 + 250 * i);
    }
    assertEquals(5, m.openStep());
    assertEquals(1, m.slot(m.openStep()), "step 5 goes to slot 5 mod 4");
    assertEquals(4, m.held());
    assertEquals(10, m.openSequence());
    assertEquals(m, WindowMeta.decode(m.encode()));
    assertEquals(m.emitted(), WindowMeta.decode(m.emitted().encode()));
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
  void shouldRecognizeTheOutdatedVersionOneLayout() {
    byte[] v1 = new byte[25];
    v1[0] = 1;
    assertTrue(WindowMeta.isOutdated(v1));
    assertFalse(WindowMeta.isOutdated(WindowMeta.first(0, 0, 4, 3).encode()));
  }

  @Test
  void shouldRememberTheLast64SequencesSeen() {
    WindowMeta m = WindowMeta.first(10, 0, 4, 3).withSeen(12).withSeen(11);
    assertTrue(m.seen(10) && m.seen(11) && m.seen(12));
    assertFalse(m.seen(9), "never sent");
    assertFalse(m.seen(13), "newer than any seen");
    m = m.withSeen(12 + 63);
    assertTrue(m.seen(12), "63 back is still inside the mask");
    assertFalse(m.seen(11), "64 back has left the mask");
    m = m.withSeen(1_000);
    assertEquals(1_000, m.highestSequence());
    assertEquals(1L, m.seenMask(), "a jump beyond the mask clears it");
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
