package io.oad.training.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.extractor.FrameTensor;
import io.oad.training.backbone.BackboneTrainer.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackboneDatasetTest {
  private static List<Sample> samples(int... labels) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      // the pixel value tells the samples apart
      out.add(new Sample(new FrameTensor(new float[] {i, i, i}, new float[] {i}), labels[i]));
    }
    return out;
  }

  @Test
  void capsBackgroundAtTheRatioKeepingOrderAndEveryAction() {
    int[] labels = new int[100];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 10 == 3 ? 1 + i % 2 : 0; // 10 action samples, 90 background
    }
    List<Sample> all = samples(labels);
    List<Sample> kept = BackboneDataset.capBackground(all, 0.6, 7);
    assertEquals(10, kept.stream().filter(s -> s.label() != 0).count());
    assertEquals(6, kept.stream().filter(s -> s.label() == 0).count());
    for (int k = 1; k < kept.size(); k++) {
      // the original order: the pixel values increase
      assertTrue(kept.get(k).tensor().motion()[0] > kept.get(k - 1).tensor().motion()[0]);
    }
    // seeded: the same choice again
    assertEquals(kept, BackboneDataset.capBackground(all, 0.6, 7));
  }

  @Test
  void leavesAListWithinTheRatioOrWithoutActionsAsItIs() {
    List<Sample> few = samples(0, 1, 2, 0, 1);
    assertSame(few, BackboneDataset.capBackground(few, 0.6, 1));
    List<Sample> onlyBackground = samples(0, 0, 0);
    assertSame(onlyBackground, BackboneDataset.capBackground(onlyBackground, 0.6, 1));
  }
}
