package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CameraWindowSerdeTest {
  private final CameraWindowSerde serde = new CameraWindowSerde();

  @Test
  void shouldRoundTripAWindow() {
    Random r = new Random(7);
    float[][] steps = new float[5][16];
    for (float[] s : steps) {
      for (int i = 0; i < s.length; i++) {
        s[i] = (float) r.nextGaussian();
      }
    }
    CameraWindow w = new CameraWindow(123, 456, Arrays.asList(steps));
    byte[] bytes = serde.serialize("t", w);
    assertEquals(1 + 8 + 8 + 4 + 4 + 5 * 16 * 4, bytes.length);
    assertEquals(w, serde.deserialize("t", bytes));
  }

  @Test
  void shouldRoundTripAnEmptyWindowAndNull() {
    CameraWindow w = new CameraWindow(0, 0, List.of());
    assertEquals(w, serde.deserialize("t", serde.serialize("t", w)));
    assertNull(serde.serialize("t", null));
    assertNull(serde.deserialize("t", null));
  }

  @Test
  void shouldRejectTruncatedOrUnknownVersions() {
    byte[] bytes = serde.serialize("t", CameraWindow.first(1, new float[] {1, 2, 3}));
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1);
    SerializationException e =
        assertThrows(SerializationException.class, () -> serde.deserialize("t", truncated));
    assertTrue(e.getMessage().contains("1 x 3 floats"), e.getMessage());
    bytes[0] = 2;
    assertThrows(SerializationException.class, () -> serde.deserialize("t", bytes));
    assertThrows(SerializationException.class, () -> serde.deserialize("t", new byte[] {1, 0}));
  }
}
