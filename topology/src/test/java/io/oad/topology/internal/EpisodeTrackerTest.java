package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.oad.contract.ActionEvent;
import io.oad.contract.FutureStep;
import io.oad.contract.Prediction;
import io.oad.topology.EventRules;
import io.oad.topology.StepTiming;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Episodes never stay open for good: resets and vanished classes end them (issue 13). */
class EpisodeTrackerTest {
  private final EpisodeTracker tracker =
      new EpisodeTracker(EventRules.defaults(), StepTiming.defaults());

  private static Prediction p(long step, long t, Map<String, Double> scores) {
    return new Prediction("cam", step, t, step, "m", "walk", 0.9, scores, List.of(), true, 0);
  }

  private static Map<String, Double> scores(double background, double walk) {
    Map<String, Double> s = new LinkedHashMap<>();
    s.put("background", background);
    s.put("walk", walk);
    return s;
  }

  /** A camera with 'walk' active since step 0 at t=1000. */
  private CameraEpisodes walking() {
    CameraEpisodes state = new CameraEpisodes();
    tracker.update(state, p(0, 1_000, scores(0.1, 0.9)));
    List<ActionEvent> started = tracker.update(state, p(1, 1_250, scores(0.1, 0.9)));
    assertEquals(ActionEvent.Type.ACTION_STARTED, started.get(0).type());
    return state;
  }

  @Test
  void shouldEndAnActiveActionWhenTheCamerasStreamRestartsAtStepZero() {
    CameraEpisodes state = walking();
    List<ActionEvent> events = tracker.update(state, p(0, 9_000, scores(0.1, 0.9)));
    assertEquals(1, events.size(), events.toString());
    assertEquals(ActionEvent.Type.ACTION_ENDED, events.get(0).type());
    assertEquals(1_000, events.get(0).startTimeMs());
    assertEquals(9_000, events.get(0).endTimeMs());
  }

  @Test
  void shouldEndAnActiveActionTheModelNoLongerScores() {
    CameraEpisodes state = walking();
    Map<String, Double> other = new LinkedHashMap<>();
    other.put("background", 0.9);
    other.put("run", 0.1);
    List<ActionEvent> events = tracker.update(state, p(2, 1_500, other));
    assertEquals(1, events.size(), events.toString());
    assertEquals(ActionEvent.Type.ACTION_ENDED, events.get(0).type());
    assertEquals("walk", events.get(0).action());
    assertFalse(state.byAction.containsKey("walk") && state.byAction.get("walk").active);
  }

  @Test
  void shouldNotOverflowOnExtremeCaptureTimesAndFutureOffsets() {
    CameraEpisodes state = new CameraEpisodes();
    Prediction far =
        new Prediction(
            "cam",
            0,
            Long.MAX_VALUE - 10,
            3,
            "m",
            "walk",
            0.9,
            scores(0.1, 0.1),
            List.of(new FutureStep(8, "walk", 0.9)),
            true,
            0);
    List<ActionEvent> events = tracker.update(state, far);
    assertEquals(ActionEvent.Type.ACTION_ANTICIPATED, events.get(0).type());
    assertEquals(Long.MAX_VALUE, events.get(0).endTimeMs(), "expected start saturates");
    assertEquals(Long.MAX_VALUE, state.byAction.get("walk").anticipatedUntilMs);
  }
}
