package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.oad.contract.ActionEvent;
import io.oad.contract.ActionEvent.Type;
import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import io.oad.topology.DetectConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exactly-once checks of the failover tests catch a lost, a repeated and a cold step. */
class StreamChecksTest {
  private static final int WINDOW = 3;

  private static List<Embedding> embeddings(long... sequences) {
    List<Embedding> es = new ArrayList<>();
    for (long s : sequences) {
      es.add(new Embedding(s, 1000 + 250 * s, "x", new float[] {1f}));
    }
    return es;
  }

  private static Prediction prediction(long sequence, long step, boolean warm) {
    return new Prediction(
        "cam", sequence, 1000 + 250 * sequence, step, "m", "a", 1, Map.of(), List.of(), warm, 0);
  }

  @Test
  void shouldAcceptExactlyOneEmbeddingPerFrameAndRefuseALostOrRepeatedOne() {
    StreamChecks.assertOneEmbeddingPerFrame(Map.of("cam", embeddings(0, 1, 2)), Map.of("cam", 3L));
    assertThrows(
        AssertionError.class,
        () ->
            StreamChecks.assertOneEmbeddingPerFrame(
                Map.of("cam", embeddings(0, 1, 1, 2)), Map.of("cam", 3L)));
    assertThrows(
        AssertionError.class,
        () ->
            StreamChecks.assertOneEmbeddingPerFrame(
                Map.of("cam", embeddings(0, 2, 3)), Map.of("cam", 3L)));
  }

  @Test
  void shouldRefuseARepeatedStepAndAColdRestartAfterTakeover() {
    List<Prediction> good = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      good.add(prediction(i, i, i >= WINDOW - 1));
    }
    StreamChecks.assertOnePredictionPerStep(Map.of("cam", good), Map.of("cam", 5L), WINDOW);

    List<Prediction> repeated = new ArrayList<>(good.subList(0, 4));
    repeated.add(3, prediction(2, 2, true));
    assertThrows(
        AssertionError.class,
        () ->
            StreamChecks.assertOnePredictionPerStep(
                Map.of("cam", repeated), Map.of("cam", 5L), WINDOW));

    // the window lost at the takeover: the grid restarts at step 0, cold
    List<Prediction> cold = new ArrayList<>(good.subList(0, 3));
    cold.add(prediction(3, 0, false));
    cold.add(prediction(4, 1, false));
    assertThrows(
        AssertionError.class,
        () ->
            StreamChecks.assertOnePredictionPerStep(
                Map.of("cam", cold), Map.of("cam", 5L), WINDOW));
  }

  @Test
  void shouldRefuseADuplicatedOrLostEvent() {
    ActionEvent start = new ActionEvent("cam", Type.ACTION_STARTED, "wave", 1000, -1, 0.9);
    ActionEvent end = new ActionEvent("cam", Type.ACTION_ENDED, "wave", 1000, 2000, 0.9);
    ActionEvent again = new ActionEvent("cam", Type.ACTION_STARTED, "wave", 3000, -1, 0.8);
    ActionEvent offline = new ActionEvent("cam", Type.CAMERA_OFFLINE, null, 4000, -1, 0);
    StreamChecks.assertEventsNeitherDuplicatedNorMissing(List.of(start, end, again, offline));
    assertThrows(
        AssertionError.class,
        () -> StreamChecks.assertEventsNeitherDuplicatedNorMissing(List.of(start, start, end)));
    assertThrows(
        AssertionError.class,
        () -> StreamChecks.assertEventsNeitherDuplicatedNorMissing(List.of(start, again)));
    assertThrows(
        AssertionError.class,
        () -> StreamChecks.assertEventsNeitherDuplicatedNorMissing(List.of(end)));
    assertThrows(
        AssertionError.class,
        () ->
            StreamChecks.assertEventsNeitherDuplicatedNorMissing(
                List.of(offline, new ActionEvent("cam", Type.CAMERA_OFFLINE, null, 9000, -1, 0))));
  }

  /** Walk scores for one camera: enough steps above the start threshold to start, then end. */
  private static List<Prediction> walking(double... walk) {
    List<Prediction> ps = new ArrayList<>();
    for (int i = 0; i < walk.length; i++) {
      Map<String, Double> scores = new java.util.LinkedHashMap<>();
      scores.put("background", 1 - walk[i]);
      scores.put("walk", walk[i]);
      ps.add(
          new Prediction(
              "cam", i, 1000 + 250L * i, i, "m", "walk", walk[i], scores, List.of(), true, 0));
    }
    return ps;
  }

  @Test
  void shouldRefuseALostStartedEndedPairALostFinalEndAndAnInventedEvent() {
    DetectConfig config = DetectConfig.builder().build();
    // two episodes: steps 1..3 and (after the cooldown) 13..15
    List<Prediction> ps =
        walking(0, .9, .9, .9, .1, .1, .1, .1, .1, .1, .1, .1, .1, .9, .9, .9, .1);
    List<ActionEvent> all = io.oad.topology.EventReplay.actionEvents(ps, config);
    assertEquals(4, all.size(), "two started/ended pairs: " + all);
    StreamChecks.assertActionEventsFollowPredictions(all, Map.of("cam", ps), config);

    List<ActionEvent> lostPair = all.subList(2, 4);
    assertThrows(
        AssertionError.class,
        () ->
            StreamChecks.assertActionEventsFollowPredictions(lostPair, Map.of("cam", ps), config));
    List<ActionEvent> lostFinalEnd = all.subList(0, 3);
    assertThrows(
        AssertionError.class,
        () ->
            StreamChecks.assertActionEventsFollowPredictions(
                lostFinalEnd, Map.of("cam", ps), config));
    List<ActionEvent> invented = new ArrayList<>(all);
    invented.add(new ActionEvent("cam", Type.ACTION_STARTED, "walk", 99_000, -1, 0.9));
    assertThrows(
        AssertionError.class,
        () ->
            StreamChecks.assertActionEventsFollowPredictions(invented, Map.of("cam", ps), config));
  }

  @Test
  void shouldRefuseASpuriousOfflineOnlinePair() {
    ActionEvent offline = new ActionEvent("cam", Type.CAMERA_OFFLINE, null, 4000, -1, 0);
    ActionEvent online = new ActionEvent("cam", Type.CAMERA_ONLINE, null, 5000, -1, 0);
    ActionEvent offlineLater = new ActionEvent("cam", Type.CAMERA_OFFLINE, null, 9000, -1, 0);
    StreamChecks.assertCameraEvents(List.of(offline), Map.of("cam", 0), true);
    StreamChecks.assertCameraEvents(List.of(offline, online), Map.of("cam", 1), false);
    assertThrows(
        AssertionError.class,
        () ->
            StreamChecks.assertCameraEvents(
                List.of(offline, online, offlineLater), Map.of("cam", 0), true));
    assertThrows(
        AssertionError.class,
        () -> StreamChecks.assertCameraEvents(List.of(), Map.of("cam", 0), true));
  }
}
