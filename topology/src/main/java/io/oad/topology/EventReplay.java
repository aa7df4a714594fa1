package io.oad.topology;

import io.oad.contract.ActionEvent;
import io.oad.contract.Prediction;
import io.oad.topology.internal.EventLogic;
import java.util.List;

/**
 * The action events that a camera's predictions cause under given rules: the same pure logic that
 * the topology's {@code action-events} processor runs, replayed outside Kafka Streams. Action
 * events are a function of the predictions, so a reader who has every committed prediction of a
 * camera can check that no action event was lost, repeated or invented (camera online/offline
 * events depend on wall-clock silence and are not covered).
 */
public final class EventReplay {
  private EventReplay() {}

  /**
   * The action events (started, ended, anticipated) of one camera's predictions, in order.
   *
   * @param predictions one camera's predictions in step order
   */
  public static List<ActionEvent> actionEvents(
      List<Prediction> predictions, EventRules rules, StepTiming timing) {
    return EventLogic.replay(predictions, rules, timing);
  }

  /** As above, with the rules and timing of a detector configuration. */
  public static List<ActionEvent> actionEvents(List<Prediction> predictions, DetectConfig config) {
    return actionEvents(predictions, config.rules(), config.timing());
  }
}
