package io.oad.detector;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class WindowsTest {

  @Test
  void shouldLeftPadWithTheEarliestStepAtColdStart() {
    float[] a = {1f};
    float[] b = {2f};
    float[][] w = Windows.leftPad(List.of(a, b), 4);
    assertSame(a, w[0]);
    assertSame(a, w[1]);
    assertSame(a, w[2]);
    assertSame(b, w[3]);
  }

  @Test
  void shouldKeepOnlyTheNewestStepsWhenThereAreMore() {
    float[] a = {1f};
    float[] b = {2f};
    float[] c = {3f};
    float[][] w = Windows.leftPad(List.of(a, b, c), 2);
    assertSame(b, w[0]);
    assertSame(c, w[1]);
  }

  @Test
  void shouldRefuseAnEmptyHistory() {
    assertThrows(IllegalArgumentException.class, () -> Windows.leftPad(List.of(), 4));
  }
}
