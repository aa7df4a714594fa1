package io.oad.training;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link Trainer#train}: every epoch so far (including epochs of earlier runs when
 * resumed) and the archive of the last one, which {@link io.oad.detector.Detector#load} reads.
 *
 * @param epochs per-epoch statistics, oldest first
 * @param archive model archive of the last epoch
 * @param optimizerSteps optimizer updates made over all runs
 * @param resumedFromEpoch the epoch a resumed run started after (0 for a fresh run)
 */
public record TrainResult(
    List<EpochStats> epochs, Path archive, long optimizerSteps, int resumedFromEpoch) {

  /** Copies the list. */
  public TrainResult {
    epochs = List.copyOf(epochs);
  }

  /** Mean training loss per epoch. */
  public List<Double> losses() {
    return epochs.stream().map(EpochStats::loss).toList();
  }

  /** Validation mAP per epoch. */
  public List<Double> valMAPs() {
    return epochs.stream().map(EpochStats::valMAP).toList();
  }

  /** Validation mAP of the last epoch. */
  public double finalMAP() {
    return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).valMAP();
  }
}
