package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import io.oad.topology.DetectBatching;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.StepTiming;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Two processors (two tasks of one stream thread) sharing the thread's batcher: one punctuation
 * scores the steps of both in one model call, and each task forwards only its own predictions, from
 * its own context.
 */
class CrossTaskBatchingTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String STORE = "camera-windows";
  private final DetectorMetrics metrics = new DetectorMetrics();
  private final DetectBatching batching = new DetectBatching(8, 20);
  private final StepBatcher threadBatcher = new StepBatcher(batching, metrics);
  private final RecordingStepModel sharedShape = new RecordingStepModel(2, 3);

  private final class Task {
    final MockProcessorContext<String, Prediction> context = new MockProcessorContext<>();
    final KeyValueStore<WindowKey, byte[]> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(STORE), WindowKey.serde(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    final RecordingStepModel model = new RecordingStepModel(2, 3);
    final WindowAndDetectProcessor processor =
        new WindowAndDetectProcessor(
            () -> model, metrics, STORE, StepTiming.defaults(), batching, () -> threadBatcher);

    Task() {
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
      context.setCurrentSystemTimeMs(T0);
      processor.init(context);
    }

    void frame(String camera, long seq, float value) {
      Embedding e = new Embedding(seq, T0 + seq * 250, "test", new float[] {value, 0, 0});
      processor.process(new Record<>(camera, e, e.captureTimeMs()));
    }

    void tick(long now) {
      context.setCurrentSystemTimeMs(now);
      context.scheduledPunctuators().get(0).getPunctuator().punctuate(now);
    }

    List<String> forwardedCameras() {
      return context.forwarded().stream().map(f -> (String) f.record().key()).toList();
    }
  }

  @Test
  void shouldScoreTheStepsOfAllTasksInOneCallAndForwardEachFromItsOwnTask() {
    Task a = new Task();
    Task b = new Task();
    a.frame("cam-a", 0, 0.5f);
    b.frame("cam-b", 0, 0.25f);
    assertTrue(a.forwardedCameras().isEmpty());
    assertTrue(b.forwardedCameras().isEmpty());

    a.tick(T0 + 10);
    assertEquals(0, metrics.batchCount(), "not due before the wait");
    a.tick(T0 + 20);
    assertEquals(List.of(2), a.model.calls, "task A's punctuation scored both tasks' steps");
    assertTrue(b.model.calls.isEmpty());
    assertEquals(List.of("cam-a"), a.forwardedCameras(), "A forwards only its own");
    assertTrue(b.forwardedCameras().isEmpty(), "B's result waits for B's own punctuation");

    b.tick(T0 + 21);
    assertEquals(List.of("cam-b"), b.forwardedCameras());
    Prediction pb = b.context.forwarded().get(0).record().value();
    assertEquals(0.25, pb.scores().get("bg"), 1e-6, "B got the row of its own window");
    assertEquals(List.of("cam-a"), a.forwardedCameras());
    assertTrue(
        new CameraWindowStore(b.store).meta("cam-b").openEmitted(),
        "forwarding marked the step predicted");
  }

  @Test
  void shouldScoreAWaitingStepBeforeTheCamerasNextFrameIsApplied() {
    Task a = new Task();
    Task b = new Task();
    b.frame("cam-b", 0, 0.1f);
    a.frame("cam-a", 0, 0.2f);
    a.frame("cam-a", 1, 0.3f); // its step 0 waits: scored (with cam-b's) before step 1 opens
    assertEquals(1, metrics.batchCount());
    assertEquals(2, metrics.batchedSteps());
    assertEquals(List.of(2), b.model.calls, "the model of the first queued step scores the batch");
    assertEquals(List.of("cam-a"), a.forwardedCameras());
    assertEquals(1, threadBatcher.pending(), "step 1 of cam-a waits now");
    b.tick(T0);
    assertEquals(List.of("cam-b"), b.forwardedCameras());
  }

  @Test
  void shouldDropAFurtherFrameOfAWaitingStepWithoutScoringTheBatch() {
    Task a = new Task();
    a.frame("cam-a", 0, 0.2f);
    Embedding sameStep = new Embedding(1, T0 + 100, "test", new float[] {0.9f, 0, 0});
    a.processor.process(new Record<>("cam-a", sameStep, sameStep.captureTimeMs()));
    assertEquals(0, metrics.batchCount(), "the batch keeps waiting");
    assertEquals(1, metrics.droppedCount(DetectorMetrics.REASON_EXTRA_FRAME));
    a.tick(T0 + 20);
    assertEquals(List.of("cam-a"), a.forwardedCameras());
    Prediction p = a.context.forwarded().get(0).record().value();
    assertEquals(0, p.sequence(), "the step is the first frame's, as without batching");
    assertEquals(0.2, p.scores().get("bg"), 1e-6);
  }

  @Test
  void shouldLeaveAClosedTasksWaitingStepMarkedNotPredictedInItsStore() {
    Task a = new Task();
    Task b = new Task();
    a.frame("cam-a", 0, 0.2f);
    b.frame("cam-b", 0, 0.1f);
    b.processor.close();
    assertEquals(1, threadBatcher.pending(), "only A's step is left");
    assertFalse(new CameraWindowStore(b.store).meta("cam-b").openEmitted());
    assertTrue(b.model.calls.isEmpty());

    // the task's next processor (same store) predicts the step on its first punctuation
    MockProcessorContext<String, Prediction> again = new MockProcessorContext<>();
    again.addStateStore(b.store);
    again.setCurrentSystemTimeMs(T0 + 50);
    RecordingStepModel model = new RecordingStepModel(2, 3);
    WindowAndDetectProcessor next =
        new WindowAndDetectProcessor(
            () -> model, metrics, STORE, StepTiming.defaults(), batching, () -> threadBatcher);
    next.init(again);
    again.scheduledPunctuators().get(0).getPunctuator().punctuate(T0 + 50);
    assertEquals(List.of("cam-b"), again.forwarded().stream().map(f -> f.record().key()).toList());
    assertEquals(0, again.forwarded().get(0).record().value().step());
    assertTrue(new CameraWindowStore(b.store).meta("cam-b").openEmitted());
  }
}
