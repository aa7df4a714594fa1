package io.oad.training.eval;

import io.oad.datasets.ClassLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Measures how quickly a detector recognises each action instance.
 *
 * <p>An instance is a maximal run of frames with the same action label; background and ambiguous
 * frames are not actions and end a run. The predicted class of a frame is the argmax of its
 * current-step scores over the non-ambiguous classes (background included; the lowest index wins a
 * tie). The delay is the number of steps from the instance's first frame to the first frame inside
 * the instance whose predicted class is the action; an instance never predicted while it runs is
 * counted as missed.
 */
public final class DetectionDelay {
  private DetectionDelay() {}

  /** Finds every instance in every video and its delay. */
  public static DelayReport measure(
      ClassLayout layout, List<FrameScores> videos, double stepSeconds) {
    List<ActionInstance> instances = new ArrayList<>();
    for (FrameScores v : videos) {
      v.checkAgainst(layout);
      int t = 0;
      while (t < v.length()) {
        int c = v.label(t);
        int end = t;
        while (end < v.length() && v.label(end) == c) {
          end++;
        }
        if (layout.isAction(c)) {
          instances.add(
              new ActionInstance(v.videoId(), c, t, end - t, delay(layout, v, c, t, end)));
        }
        t = end;
      }
    }
    return new DelayReport(instances, stepSeconds);
  }

  /** Top class of one score row over the non-ambiguous classes. */
  public static int topClass(ClassLayout layout, double[] row) {
    int best = -1;
    for (int c = 0; c < row.length; c++) {
      if (!layout.isAmbiguous(c) && (best < 0 || row[c] > row[best])) {
        best = c;
      }
    }
    return best;
  }

  private static OptionalInt delay(ClassLayout layout, FrameScores v, int c, int start, int end) {
    for (int t = start; t < end; t++) {
      if (topClass(layout, v.scoreRow(t)) == c) {
        return OptionalInt.of(t - start);
      }
    }
    return OptionalInt.empty();
  }
}
