package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.topology.StepTiming;
import io.oad.topology.internal.StepAssigner.Kind;
import org.junit.jupiter.api.Test;

/** Each rule of the time semantics on its own, without Kafka. */
class StepAssignerTest {
  private static final int T = 4;
  private static final int D = 3;
  private final StepAssigner assigner = new StepAssigner(new StepTiming(4.0, 2, 0));

  /** A camera anchored at 1000 ms whose open step 3 is formed by sequence 10 at 1800 ms. */
  private static WindowMeta open() {
    return WindowMeta.first(7, 1_000, T, D)
        .withSeen(8)
        .withSeen(9)
        .withSeen(10)
        .openedAt(3, 10, 1_800);
  }

  private Kind kind(WindowMeta m, long seq, long t) {
    return assigner.classify(m, T, D, seq, t).kind();
  }

  @Test
  void shouldClassifyEveryCase() {
    WindowMeta m = open();
    assertEquals(Kind.FIRST, kind(null, 5, 0));
    assertEquals(Kind.FIRST, kind(new WindowMeta(0, 0, 0, 0, false, 0, 1, T + 1, D), 5, 0));
    assertEquals(Kind.RESTART, kind(m, 0, 1_800));
    assertEquals(Kind.RESTART, kind(m, 0, 1_700), "sequence 0 restarts, whatever its capture time");
    assertEquals(Kind.LATE, kind(m, 0, 1_000), "the frame that anchored the grid is no restart");
    assertEquals(Kind.DUPLICATE, kind(m, 9, 1_600));
    assertEquals(Kind.LATE, kind(m, 11, 1_749), "step 2 is closed");
    assertEquals(Kind.SAME_STEP, kind(m, 11, 1_750));
    assertEquals(Kind.SAME_STEP, kind(m, 11, 1_999));
    assertEquals(Kind.NEXT_STEP, kind(m, 11, 2_000));
    assertEquals(Kind.NEXT_STEP, kind(m, 11, 2_749), "2 missing steps are padded");
    assertEquals(Kind.GAP_RESET, kind(m, 11, 2_750), "3 missing steps reset");
    assertEquals(Kind.LATE, kind(m.emitted(), 11, 1_900), "the open step was already predicted");
  }

  @Test
  void shouldRestartAtAFrameFarBeforeTheOpenStepAndNeverOverflow() {
    WindowMeta m = open();
    // open step 3, gap limit 2: a frame 3 missing steps before it is a restart
    assertEquals(Kind.LATE, kind(m, 11, 1_000), "2 missing steps before: late");
    assertEquals(Kind.RESTART, kind(m, 11, 999), "3 missing steps before: a restart");
    assertEquals(Kind.RESTART, kind(m, 11, -5_000));
    assertEquals(Kind.RESTART, kind(m, 11, Long.MIN_VALUE), "must not wrap around to far ahead");
    assertEquals(Kind.GAP_RESET, kind(m, 11, Long.MAX_VALUE), "must not wrap around to far before");
    StepTiming timing = new StepTiming(4.0, 2, 0L);
    assertTrue(timing.stepOf(1_000, Long.MIN_VALUE) < -1_000_000_000L);
    assertTrue(timing.stepOf(1_000, Long.MAX_VALUE) > 1_000_000_000L);
    assertTrue(timing.stepOf(Long.MIN_VALUE, Long.MAX_VALUE) > 1_000_000_000L, "no wrap-around");
    assertTrue(timing.stepOf(Long.MAX_VALUE, Long.MIN_VALUE) < -1_000_000_000L, "no wrap-around");
    assertFalse(timing.withMaxLagMs(1_000).stale(Long.MAX_VALUE, Long.MIN_VALUE));
    assertTrue(timing.withMaxLagMs(1_000).stale(Long.MIN_VALUE, Long.MAX_VALUE));
  }

  @Test
  void shouldReplaceTheStepsFrameOnlyWithALaterCapture() {
    WindowMeta m = open();
    assertEquals(true, assigner.classify(m, T, D, 11, 1_800).replaces());
    assertEquals(false, assigner.classify(m, T, D, 11, 1_790).replaces());
    StepAssigner.Decision next = assigner.classify(m, T, D, 11, 2_600);
    assertEquals(6, next.step());
    assertEquals(2, next.missingSteps());
  }
}
