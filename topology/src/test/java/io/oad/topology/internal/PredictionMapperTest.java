package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.oad.contract.FutureStep;
import io.oad.contract.Prediction;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictionMapperTest {
  private final PredictionMapper mapper =
      new PredictionMapper(List.of("background", "jump", "wave"), "m1");
  private final PredictionMapper.StepInfo info =
      new PredictionMapper.StepInfo("cam", 42, 1_000, 7, true, 1_250);

  @Test
  void shouldPickTheTopClassNowAndAtEveryFutureOffset() {
    Prediction p =
        mapper.map(
            info,
            new float[] {0.2f, 0.5f, 0.3f},
            new float[][] {{0.1f, 0.1f, 0.8f}, {0.6f, 0.3f, 0.1f}});
    assertEquals("jump", p.action());
    assertEquals(0.5, p.score(), 1e-6);
    assertEquals(List.of("background", "jump", "wave"), List.copyOf(p.scores().keySet()));
    assertEquals(0.3, p.scores().get("wave"), 1e-6);
    assertEquals(2, p.future().size());
    assertEquals(new FutureStep(1, "wave", 0.8f), p.future().get(0));
    assertEquals(new FutureStep(2, "background", 0.6f), p.future().get(1));
    assertEquals(250, p.latencyMs());
    assertEquals("m1", p.modelId());
    assertEquals(42, p.sequence());
    assertEquals(7, p.step());
  }

  @Test
  void shouldBreakTiesTowardsTheFirstClass() {
    assertEquals(0, PredictionMapper.argmax(new float[] {0.5f, 0.5f, 0.1f}));
    assertEquals(2, PredictionMapper.argmax(new float[] {0.1f, 0.2f, 0.3f}));
  }

  @Test
  void shouldRejectRowsThatDoNotMatchTheClassNames() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> mapper.map(info, new float[] {1, 0}, new float[0][]));
    assertEquals("model returned 2 scores for current but has 3 class names", e.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> mapper.map(info, new float[] {1, 0, 0}, new float[][] {{1, 0}}));
  }
}
