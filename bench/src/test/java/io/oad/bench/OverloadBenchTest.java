package io.oad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The overload experiment's arithmetic and settings (the run itself is {@code oad bench}). */
class OverloadBenchTest {
  @Test
  void shouldSumEverySeriesOfACounter() {
    String text =
        """
        # TYPE oad_extractor_frames_dropped_total counter
        oad_extractor_frames_dropped_total{camera="cam-01",reason="lag"} 12.0
        oad_extractor_frames_dropped_total{camera="cam-02",reason="lag"} 30.0
        oad_extractor_frames_dropped_total_created{camera="cam-02",reason="lag"} 1.7E9
        oad_extractor_embeddings_produced_total 7.0
        """;
    assertEquals(42, OverloadBench.sum(text, "oad_extractor_frames_dropped_total"));
    assertEquals(7, OverloadBench.sum(text, "oad_extractor_embeddings_produced_total"));
    assertEquals(0, OverloadBench.sum(text, "oad_missing_total"));
  }

  @Test
  void shouldReportTheDropRateOfTheFramesTheExtractorHandled() {
    OverloadBench.Interval i = new OverloadBench.Interval(0, 500, 300, 100, 90, null);
    assertEquals(0.75, i.dropRate(), 1e-9);
    assertEquals(0.0, new OverloadBench.Interval(0, 0, 0, 0, 0, null).dropRate());
  }

  @Test
  void shouldRefuseSettingsWithoutALagBoundOrCameras() {
    Path dir = Path.of("unused");
    assertThrows(
        IllegalArgumentException.class, () -> new OverloadBench.Settings(64, 5, 60, 10, 0, 1, dir));
    assertThrows(
        IllegalArgumentException.class,
        () -> new OverloadBench.Settings(0, 5, 60, 10, 2000, 1, dir));
    assertThrows(
        IllegalArgumentException.class,
        () -> new OverloadBench.Settings(64, 5, 60, 10, 2000, 0, dir));
  }
}
