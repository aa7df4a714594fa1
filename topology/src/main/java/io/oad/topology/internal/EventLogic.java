package io.oad.topology.internal;

import io.oad.contract.ActionEvent;
import io.oad.contract.Prediction;
import io.oad.topology.EventRules;
import io.oad.topology.StepTiming;
import java.util.ArrayList;
import java.util.List;

/** Entry to {@link EpisodeTracker} for {@link io.oad.topology.EventReplay}. */
public final class EventLogic {
  private EventLogic() {}

  /** The events of one camera's predictions, in order, from a fresh episode state. */
  public static List<ActionEvent> replay(
      List<Prediction> predictions, EventRules rules, StepTiming timing) {
    EpisodeTracker tracker = new EpisodeTracker(rules, timing);
    CameraEpisodes state = new CameraEpisodes();
    List<ActionEvent> events = new ArrayList<>();
    for (Prediction p : predictions) {
      events.addAll(tracker.update(state, p));
    }
    return events;
  }
}
