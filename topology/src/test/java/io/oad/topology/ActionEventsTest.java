package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.ActionEvent.Type;
import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events from predictions (default rules: start above 0.6 for 2 steps, end below 0.4, 2 s cooldown,
 * anticipation at 0.6) and camera liveness, through the whole topology.
 */
class ActionEventsTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP_MS = 250;
  private static final long OFFLINE_MS = 10_000;

  @TempDir Path stateDir;

  private DriverHarness h;
  private long seq;

  private void start() {
    h =
        new DriverHarness(
            DetectConfig.builder().stateDir(stateDir).build(),
            () -> new ScriptedStepModel(4),
            Instant.ofEpochMilli(T0 + 60_000));
  }

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private static long at(int step) {
    return T0 + step * STEP_MS;
  }

  /** Sends one frame per step with these walk scores, then one more frame to close the last. */
  private void walkScores(int firstStep, double... walk) {
    for (int i = 0; i < walk.length; i++) {
      send("cam", firstStep + i, ScriptedStepModel.features((float) walk[i], 0, 0, 0, 0));
    }
    send("cam", firstStep + walk.length, ScriptedStepModel.features(0, 0, 0, 0, 0));
  }

  private void send(String camera, int step, float[] features) {
    h.send(camera, new Embedding(seq++, at(step), "test", features));
  }

  private List<ActionEvent> events() {
    return h.events.readValuesToList();
  }

  @Test
  void shouldStartAndEndOnceWithTimesAndPeak() {
    start();
    walkScores(0, 0.1, 0.7, 0.8, 0.95, 0.5, 0.3, 0.1);

    assertEquals(
        List.of(
            new ActionEvent("cam", Type.ACTION_STARTED, "walk", at(1), -1, 0.8f),
            new ActionEvent("cam", Type.ACTION_ENDED, "walk", at(1), at(5), 0.95f)),
        rounded(events()));
    assertEquals(1, h.metrics.eventCount("ACTION_STARTED"));
    assertEquals(1, h.metrics.eventCount("ACTION_ENDED"));
  }

  @Test
  void shouldEmitExactlyTheEventsThatReplayingItsPredictionsGives() {
    start();
    // two episodes with a cooldown between and flicker inside the band
    walkScores(0, 0.1, 0.7, 0.8, 0.45, 0.9, 0.2, 0.1, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.8, 0.1);

    List<ActionEvent> emitted = events();
    List<Prediction> predictions = h.predictions.readValuesToList();
    assertEquals(
        emitted,
        EventReplay.actionEvents(predictions, DetectConfig.builder().stateDir(stateDir).build()));
    assertTrue(emitted.size() >= 2, "events: " + emitted);
  }

  @Test
  void shouldIgnoreFlickerInsideTheHysteresisBandAndShortSpikes() {
    start();
    // a one-step spike, then a dip inside the band while active, then a long stay in the band
    walkScores(0, 0.7, 0.5, 0.7, 0.7, 0.45, 0.65, 0.41, 0.59, 0.5, 0.39, 0.55, 0.5);

    List<ActionEvent> got = events();
    assertEquals(
        List.of(Type.ACTION_STARTED, Type.ACTION_ENDED),
        got.stream().map(ActionEvent::type).toList());
    assertEquals(at(2), got.get(0).startTimeMs());
    assertEquals(at(9), got.get(1).endTimeMs());
  }

  @Test
  void shouldSuppressARestartDuringTheCooldown() {
    start();
    // end at step 2; steps 3..9 are within 2 s of it; step 10 is exactly 2 s after
    walkScores(0, 0.7, 0.7, 0.2, 0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.7, 0.7, 0.2);

    List<ActionEvent> got = events();
    assertEquals(
        List.of(Type.ACTION_STARTED, Type.ACTION_ENDED, Type.ACTION_STARTED, Type.ACTION_ENDED),
        got.stream().map(ActionEvent::type).toList());
    assertEquals(at(0), got.get(0).startTimeMs());
    assertEquals(at(2), got.get(1).endTimeMs());
    assertEquals(at(10), got.get(2).startTimeMs(), "the first start after the cooldown");
  }

  @Test
  void shouldAnticipateOncePerEpisodeWithTheLeadTime() {
    start();
    float[] anticipating = ScriptedStepModel.features(0.1f, 0, 3, 0.7f, 0);
    float[] weaker = ScriptedStepModel.features(0.1f, 0, 2, 0.5f, 0);
    send("cam", 0, anticipating); // walk 0.7 expected 3 steps ahead
    send("cam", 1, anticipating); // same episode: no second event
    send("cam", 2, weaker); // below the threshold: nothing
    send("cam", 3, ScriptedStepModel.features(0.8f, 0, 1, 0.9f, 0));
    send("cam", 4, ScriptedStepModel.features(0.8f, 0, 1, 0.9f, 0)); // starts; active: no event
    send("cam", 5, ScriptedStepModel.features(0.1f, 0, 0, 0, 0)); // ends the episode
    send("cam", 6, ScriptedStepModel.features(0.1f, 0, 2, 0, 0.65f)); // run, another action
    send("cam", 7, ScriptedStepModel.features(0.1f, 0, 0, 0, 0));

    List<ActionEvent> got = rounded(events());
    List<ActionEvent> anticipated =
        got.stream().filter(e -> e.type() == Type.ACTION_ANTICIPATED).toList();
    assertEquals(
        List.of(
            new ActionEvent("cam", Type.ACTION_ANTICIPATED, "walk", at(0), at(3), 0.7f),
            new ActionEvent("cam", Type.ACTION_ANTICIPATED, "run", at(6), at(8), 0.65f)),
        anticipated);
    assertEquals(
        List.of(
            Type.ACTION_ANTICIPATED,
            Type.ACTION_STARTED,
            Type.ACTION_ENDED,
            Type.ACTION_ANTICIPATED),
        got.stream().map(ActionEvent::type).toList());
    assertTrue(got.stream().noneMatch(e -> "background".equals(e.action())));
  }

  @Test
  void shouldGiveTheSameEventsWhenTheSameInputIsReplayed() {
    List<List<ActionEvent>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      start();
      seq = 0;
      walkScores(0, 0.1, 0.9, 0.9, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.1);
      runs.add(events());
      h.close();
      h = null;
    }
    assertEquals(4, runs.get(0).size(), runs.get(0).toString());
    assertEquals(runs.get(0), runs.get(1));
  }

  @Test
  void shouldReportACameraOfflineAfterWallClockSilenceAndOnlineWhenItReturns() {
    start();
    long wall0 = T0 + 60_000;
    send("cam-a", 0, ScriptedStepModel.features(0, 0, 0, 0, 0));
    send("cam-b", 0, ScriptedStepModel.features(0, 0, 0, 0, 0));
    h.advanceWallClock(OFFLINE_MS / 2);
    send("cam-b", 1, ScriptedStepModel.features(0, 0, 0, 0, 0));
    assertTrue(events().isEmpty());
    assertEquals(2, h.metrics.camerasOnlineCount());

    h.advanceWallClock(OFFLINE_MS / 2 + 100);
    assertEquals(
        List.of(new ActionEvent("cam-a", Type.CAMERA_OFFLINE, null, wall0, -1, 0)), events());
    assertEquals(1, h.metrics.camerasOnlineCount());

    h.advanceWallClock(OFFLINE_MS / 2);
    assertEquals(
        List.of(new ActionEvent("cam-b", Type.CAMERA_OFFLINE, null, wall0 + OFFLINE_MS / 2, -1, 0)),
        events(),
        "reported once per silence");
    assertEquals(0, h.metrics.camerasOnlineCount());
    h.advanceWallClock(OFFLINE_MS);
    assertTrue(events().isEmpty(), "no repeated offline report");

    long back = wall0 + 5 * OFFLINE_MS / 2 + 100;
    send("cam-a", 200, ScriptedStepModel.features(0, 0, 0, 0, 0));
    assertEquals(
        List.of(new ActionEvent("cam-a", Type.CAMERA_ONLINE, null, wall0, back, 0)), events());
    assertEquals(1, h.metrics.camerasOnlineCount());
    assertEquals(2, h.metrics.eventCount("CAMERA_OFFLINE"));
    assertEquals(1, h.metrics.eventCount("CAMERA_ONLINE"));
  }

  /** Scores pass through float32; compare them at float precision. */
  private static List<ActionEvent> rounded(List<ActionEvent> events) {
    return events.stream()
        .map(
            e ->
                new ActionEvent(
                    e.camera(),
                    e.type(),
                    e.action(),
                    e.startTimeMs(),
                    e.endTimeMs(),
                    (float) e.peakScore()))
        .toList();
  }
}
