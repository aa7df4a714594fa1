package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CameraWindowTest {
  @Test
  void shouldKeepOnlyTheNewestStepsWhenAppending() {
    CameraWindow w = CameraWindow.first(10, new float[] {0});
    for (int i = 1; i < 6; i++) {
      w = w.append(10 + i, new float[] {i}, 3);
    }
    assertEquals(6, w.stepsSeen());
    assertEquals(15, w.lastSequence());
    assertEquals(3, w.steps().size());
    assertArrayEquals(new float[] {3}, w.steps().get(0));
    assertArrayEquals(new float[] {5}, w.steps().get(2));
  }

  @Test
  void shouldCompareStepContentsNotArrayIdentity() {
    CameraWindow a = new CameraWindow(2, 1, List.of(new float[] {1, 2}, new float[] {3, 4}));
    CameraWindow b = new CameraWindow(2, 1, List.of(new float[] {1, 2}, new float[] {3, 4}));
    CameraWindow c = new CameraWindow(2, 1, List.of(new float[] {1, 2}, new float[] {3, 5}));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, c);
  }

  @Test
  void shouldRejectInconsistentState() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new CameraWindow(1, 0, List.of(new float[] {1}, new float[] {2})));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CameraWindow(2, 0, List.of(new float[] {1}, new float[] {2, 3})));
    assertThrows(IllegalArgumentException.class, () -> new CameraWindow(0, -1, List.of()));
  }
}
