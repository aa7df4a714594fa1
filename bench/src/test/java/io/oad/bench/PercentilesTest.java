package io.oad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void shouldTakeNearestRanks() {
    double[] v = new double[100];
    for (int i = 0; i < 100; i++) {
      v[i] = 100 - i; // 100 .. 1, unsorted on purpose
    }
    Percentiles p = Percentiles.of(v);
    assertEquals(50, p.p50());
    assertEquals(90, p.p90());
    assertEquals(95, p.p95());
    assertEquals(99, p.p99());
    assertEquals(100, p.max());
    assertEquals(100, p.count());
  }

  @Test
  void shouldRefuseAnEmptySample() {
    assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new double[0]));
  }
}
