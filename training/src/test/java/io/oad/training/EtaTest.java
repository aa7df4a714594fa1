package io.oad.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EtaTest {
  @Test
  void remainingStepsTakeTheMeanTimeOfTheDoneOnes() {
    long start = System.nanoTime() - 30_000_000_000L; // 3 steps in 30 s: 10 s each
    String eta = Eta.after(start, 3, 10);
    assertTrue(eta.equals("ETA 1:10") || eta.equals("ETA 1:11"), eta);
    assertEquals("ETA 0:00", Eta.after(start, 10, 10));
    assertEquals("ETA ?", Eta.after(start, 0, 10));
  }
}
