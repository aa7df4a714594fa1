package io.oad.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class WindowDatasetTest {
  // one 1-d feature per step equal to its step number + 1; step 2 is ambiguous (class 2)
  private static final LabeledSequence VIDEO =
      new LabeledSequence("v", new float[][] {{1}, {2}, {3}, {4}, {5}}, new int[] {0, 1, 2, 1, 0});

  private static WindowDataset dataset() {
    return new WindowDataset(List.of(VIDEO), 3, 2, 3, OptionalInt.of(2));
  }

  @Test
  void shouldDropWindowsWhoseCurrentStepIsAmbiguous() {
    WindowDataset d = dataset();
    assertEquals(4, d.size());
    int[] steps = new int[d.size()];
    for (int i = 0; i < d.size(); i++) {
      steps[i] = d.window(i).step();
    }
    assertArrayEquals(new int[] {0, 1, 3, 4}, steps);
  }

  @Test
  void shouldLeftPadWithTheFirstStepAndPutTheCurrentStepLast() {
    WindowDataset d = dataset();
    assertArrayEquals(new float[][] {{1}, {1}, {1}}, d.window(0).steps());
    assertArrayEquals(new float[][] {{1}, {1}, {2}}, d.window(1).steps());
    assertArrayEquals(new float[][] {{2}, {3}, {4}}, d.window(2).steps());
    assertEquals(1, d.window(2).label());
  }

  @Test
  void shouldMaskFutureStepsThatAreAmbiguousOrPastTheEnd() {
    WindowDataset d = dataset();
    // step 0: t+1 = class 1, t+2 = ambiguous
    assertArrayEquals(new int[] {1, -1}, d.window(0).future());
    assertArrayEquals(new boolean[] {true, false}, d.window(0).futureValid());
    // step 1: t+1 ambiguous, t+2 = class 1
    assertArrayEquals(new boolean[] {false, true}, d.window(1).futureValid());
    // step 3: t+1 = class 0, t+2 past the end
    assertArrayEquals(new int[] {0, -1}, d.window(2).future());
    // step 4 (last): nothing ahead
    assertArrayEquals(new boolean[] {false, false}, d.window(3).futureValid());
  }

  @Test
  void shouldFlattenABatchWithOneHotTargetsAndMask() {
    WindowDataset.Batch b = dataset().batch(new int[] {2, 0});
    assertEquals(2, b.size());
    assertArrayEquals(new float[] {2, 3, 4, 1, 1, 1}, b.inputs());
    assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0}, b.current());
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}, b.future());
    assertArrayEquals(new float[] {1, 0, 1, 0}, b.futureMask());
  }

  @Test
  void shouldRejectLabelsOutsideTheClassesAndMixedWidths() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new WindowDataset(List.of(VIDEO), 3, 2, 2, OptionalInt.empty()));
    LabeledSequence wide = new LabeledSequence("w", new float[][] {{1, 2}}, new int[] {0});
    assertThrows(
        IllegalArgumentException.class,
        () -> new WindowDataset(List.of(VIDEO, wide), 3, 2, 3, OptionalInt.empty()));
  }
}
