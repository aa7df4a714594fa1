package io.oad.training.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Detection delay over all action instances: how many were recognised while still running, and how
 * late. Means and medians cover detected instances only and are NaN when none was detected.
 *
 * @param instances every ground-truth instance, in video order then time order
 * @param stepSeconds duration of one step, used to turn steps into seconds
 */
public record DelayReport(List<ActionInstance> instances, double stepSeconds) {

  public DelayReport {
    instances = List.copyOf(instances);
    if (!(stepSeconds > 0) || Double.isInfinite(stepSeconds)) {
      throw new IllegalArgumentException("stepSeconds must be positive, got " + stepSeconds);
    }
  }

  /** Number of instances. */
  public int total() {
    return instances.size();
  }

  /** Number of instances recognised before they ended. */
  public int detected() {
    return (int) instances.stream().filter(ActionInstance::detected).count();
  }

  /** Number of instances never recognised. */
  public int missed() {
    return total() - detected();
  }

  /** detected / total; NaN without instances. */
  public double detectionRate() {
    return total() == 0 ? Double.NaN : (double) detected() / total();
  }

  /** Mean delay of detected instances, in steps. */
  public double meanSteps() {
    return delays().length == 0 ? Double.NaN : Arrays.stream(delays()).average().orElseThrow();
  }

  /** Median delay of detected instances, in steps (mean of the two middle values when even). */
  public double medianSteps() {
    int[] d = delays();
    if (d.length == 0) {
      return Double.NaN;
    }
    int mid = d.length / 2;
    return d.length % 2 == 1 ? d[mid] : (d[mid - 1] + d[mid]) / 2.0;
  }

  /** Mean delay of detected instances, in seconds. */
  public double meanSeconds() {
    return meanSteps() * stepSeconds;
  }

  /** Median delay of detected instances, in seconds. */
  public double medianSeconds() {
    return medianSteps() * stepSeconds;
  }

  /** Sorted delays of detected instances, in steps. */
  private int[] delays() {
    return instances.stream()
        .filter(ActionInstance::detected)
        .mapToInt(i -> i.delaySteps().getAsInt())
        .sorted()
        .toArray();
  }
}
