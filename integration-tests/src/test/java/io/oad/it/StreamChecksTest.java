package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.oad.contract.ActionEvent;
import io.oad.contract.ActionEvent.Type;
import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
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
}
