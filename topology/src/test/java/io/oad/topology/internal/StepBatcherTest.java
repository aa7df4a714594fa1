package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.topology.DetectBatching;
import io.oad.topology.DetectorMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepBatcherTest {
  private final DetectorMetrics metrics = new DetectorMetrics();
  private final RecordingStepModel model = new RecordingStepModel(2, 3);

  private StepBatcher.Request request(
      StepBatcher.Lane lane, String camera, float value, long dueMs, RecordingStepModel m) {
    float[][] window = new float[m.window()][m.featureDim()];
    window[m.window() - 1][0] = value;
    return new StepBatcher.Request(
        lane, camera, (long) value, 1_000 + (long) value, 0, false, true, window, m, dueMs, 0);
  }

  private StepBatcher.Request request(StepBatcher.Lane lane, String camera, float value) {
    return request(lane, camera, value, 0, model);
  }

  @Test
  void shouldAskForAFlushOnlyWhenTheBatchIsFull() {
    StepBatcher b = new StepBatcher(new DetectBatching(3, 20), metrics);
    StepBatcher.Lane lane = b.lane();
    assertFalse(b.add(request(lane, "a", 1)));
    assertFalse(b.add(request(lane, "b", 2)));
    assertTrue(b.add(request(lane, "c", 3)));
    assertEquals(3, b.pending());
    assertTrue(model.calls.isEmpty(), "adding never scores");
  }

  @Test
  void shouldBeDueWhenTheOldestStepWaitedTheMaxWait() {
    StepBatcher b = new StepBatcher(new DetectBatching(8, 20), metrics);
    StepBatcher.Lane lane = b.lane();
    assertFalse(b.due(1_000), "nothing pending");
    b.add(request(lane, "a", 1, 100, model));
    b.add(request(lane, "b", 2, 110, model));
    assertFalse(b.due(119));
    assertTrue(b.due(120), "the oldest waited 20 ms");
  }

  @Test
  void shouldScoreEveryStepAtOnceWhenBatchingIsOff() {
    for (DetectBatching off : List.of(DetectBatching.off(), new DetectBatching(32, 0))) {
      StepBatcher b = new StepBatcher(off, metrics);
      assertTrue(b.add(request(b.lane(), "a", 1)), off.toString());
    }
  }

  @Test
  void shouldScoreAllLanesInOneCallAndGiveEachLaneItsOwnResultsInOrder() {
    StepBatcher b = new StepBatcher(new DetectBatching(8, 20), metrics);
    StepBatcher.Lane taskA = b.lane();
    StepBatcher.Lane taskB = b.lane();
    b.add(request(taskA, "a1", 1));
    b.add(request(taskB, "b1", 2));
    b.add(request(taskA, "a2", 3));
    assertTrue(taskA.waiting("a1"));
    assertFalse(taskA.waiting("b1"));

    assertEquals(3, b.flush());
    assertEquals(List.of(3), model.calls, "one model call for both tasks");
    assertEquals(0, b.pending());
    assertFalse(taskA.waiting("a1"), "scored, no longer waiting");
    List<StepBatcher.Result> a = taskA.drain();
    assertEquals(List.of("a1", "a2"), a.stream().map(r -> r.request().camera()).toList());
    assertArrayEquals(new float[] {1, 0, 0}, a.get(0).current());
    assertArrayEquals(new float[] {3, 0, 0}, a.get(1).current());
    assertEquals(1, a.get(1).future().length);
    assertEquals("recording", a.get(0).modelId());
    List<StepBatcher.Result> bResults = taskB.drain();
    assertEquals(1, bResults.size());
    assertArrayEquals(new float[] {2, 0, 0}, bResults.get(0).current());
    assertTrue(taskA.drain().isEmpty(), "drained once");
    assertEquals(1, metrics.batchCount());
    assertEquals(3, metrics.batchedSteps());
  }

  @Test
  void shouldSplitCallsByWindowShapeAndMaxBatch() {
    StepBatcher b = new StepBatcher(new DetectBatching(2, 20), metrics);
    RecordingStepModel longer = new RecordingStepModel(4, 3);
    StepBatcher.Lane lane = b.lane();
    for (int i = 0; i < 5; i++) {
      b.add(request(lane, "a" + i, i, 0, model));
    }
    b.add(request(lane, "long", 9, 0, longer));
    assertEquals(6, b.flush());
    assertEquals(List.of(2, 2, 1), model.calls);
    assertEquals(List.of(1), longer.calls, "another shape is scored by a model of that shape");
    assertEquals(
        List.of("a0", "a1", "a2", "a3", "a4", "long"),
        lane.drain().stream().map(r -> r.request().camera()).toList());
  }

  @Test
  void shouldDropTheFailedCallAndKeepLaterOnesPending() {
    StepBatcher b = new StepBatcher(new DetectBatching(2, 20), metrics);
    StepBatcher.Lane lane = b.lane();
    for (int i = 0; i < 3; i++) {
      b.add(request(lane, "c" + i, i));
    }
    model.fail = true;
    assertThrows(IllegalStateException.class, b::flush);
    assertFalse(lane.waiting("c0"), "the failed call's steps are settled");
    assertEquals(1, b.pending(), "the next call's step stays queued");
    model.fail = false;
    assertEquals(1, b.flush());
    assertEquals(List.of("c2"), lane.drain().stream().map(r -> r.request().camera()).toList());
  }

  @Test
  void shouldForgetTheStepsOfARemovedLane() {
    StepBatcher b = new StepBatcher(new DetectBatching(8, 20), metrics);
    StepBatcher.Lane closing = b.lane();
    StepBatcher.Lane other = b.lane();
    b.add(request(closing, "a", 1));
    b.add(request(other, "b", 2));
    b.flush();
    b.add(request(closing, "a", 3));
    assertEquals(2, b.remove(closing), "one scored and one waiting step");
    assertTrue(closing.drain().isEmpty());
    assertEquals(0, b.pending());
    assertEquals(1, other.drain().size(), "other lanes keep theirs");
  }
}
