package io.oad.topology.internal;

import io.oad.contract.ActionEvent;
import io.oad.contract.ActionEvent.Type;
import io.oad.contract.CaptureTimes;
import io.oad.contract.FutureStep;
import io.oad.contract.Prediction;
import io.oad.topology.EventRules;
import io.oad.topology.StepTiming;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one camera's predictions, in step order, into action events: hysteresis start/end with a
 * minimum duration and a per-action cooldown, and at most one anticipation per episode. Pure logic
 * over {@link CameraEpisodes}, so the same predictions always give the same events. The background
 * class (the first class in {@link Prediction#scores()} order, the model's class 0) never produces
 * events.
 *
 * <p>An episode never stays open for good: a prediction of step 0 (the camera's window was reset or
 * restarted, a new stream begins) first ends every active action, and an active action the model no
 * longer scores (a model swapped for one without that class) ends at the first prediction without
 * it. (A camera that vanishes has its active actions ended when its state expires, see {@code
 * CameraLivenessProcessor}.) Capture times are added with saturating arithmetic.
 */
final class EpisodeTracker {
  private final EventRules rules;
  private final StepTiming timing;

  EpisodeTracker(EventRules rules, StepTiming timing) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.timing = Objects.requireNonNull(timing, "timing");
  }

  /** Updates {@code state} with {@code p} and returns the events it causes, in order. */
  List<ActionEvent> update(CameraEpisodes state, Prediction p) {
    List<ActionEvent> events = new ArrayList<>();
    long t = p.captureTimeMs();
    String background = p.scores().isEmpty() ? null : p.scores().keySet().iterator().next();
    for (Map.Entry<String, ActionEpisode> e : state.byAction.entrySet()) {
      ActionEpisode a = e.getValue();
      if (a.active && (p.step() == 0 || !p.scores().containsKey(e.getKey()))) {
        end(p.camera(), e.getKey(), a, Math.max(a.startMs, t), events);
      } else if (p.step() == 0) {
        a.run = 0;
      }
    }
    for (Map.Entry<String, Double> s : p.scores().entrySet()) {
      if (!s.getKey().equals(background)) {
        current(state, p.camera(), s.getKey(), s.getValue(), t, events);
      }
    }
    // offsets in order: the earliest step reaching the threshold gives the lead time; once emitted,
    // the anticipation is pending and later offsets are skipped
    for (FutureStep f : p.future()) {
      if (f.action().equals(background) || f.score() < rules.anticipationThreshold()) {
        continue;
      }
      ActionEpisode a = state.of(f.action());
      boolean pending = a.anticipatedUntilMs != ActionEpisode.NONE && t <= a.anticipatedUntilMs;
      if (a.active || pending) {
        continue;
      }
      long expectedStart = CaptureTimes.plus(t, timing.millis(f.offset()));
      a.anticipatedUntilMs = CaptureTimes.plus(expectedStart, rules.cooldownMs());
      events.add(
          new ActionEvent(
              p.camera(), Type.ACTION_ANTICIPATED, f.action(), t, expectedStart, f.score()));
    }
    state.prune(t, rules.cooldownMs());
    return events;
  }

  /** Emits the end of active episode {@code a} at capture time {@code t}. */
  private static void end(
      String camera, String action, ActionEpisode a, long t, List<ActionEvent> events) {
    events.add(new ActionEvent(camera, Type.ACTION_ENDED, action, a.startMs, t, a.peak));
    a.active = false;
    a.lastEndMs = t;
    a.run = 0;
    a.peak = 0;
    a.anticipatedUntilMs = ActionEpisode.NONE; // the episode is over
  }

  private void current(
      CameraEpisodes state,
      String camera,
      String action,
      double score,
      long t,
      List<ActionEvent> events) {
    ActionEpisode a = state.of(action);
    if (a.active) {
      a.peak = Math.max(a.peak, score);
      if (score < rules.endThreshold()) {
        end(camera, action, a, t, events);
      }
      return;
    }
    boolean coolingDown =
        a.lastEndMs != ActionEpisode.NONE
            && CaptureTimes.minus(t, a.lastEndMs) < rules.cooldownMs();
    if (score <= rules.startThreshold() || coolingDown) {
      a.run = 0;
      a.peak = 0;
      return;
    }
    if (a.run == 0) {
      a.runStartMs = t;
      a.peak = score;
    }
    a.run++;
    a.peak = Math.max(a.peak, score);
    if (a.run >= rules.minDurationSteps()) {
      a.active = true;
      a.startMs = a.runStartMs;
      events.add(new ActionEvent(camera, Type.ACTION_STARTED, action, a.startMs, -1, a.peak));
    }
  }
}
