package io.oad.training;

import java.util.List;

/**
 * What one finished epoch produced.
 *
 * @param epoch 1-based epoch number
 * @param loss mean training loss over the epoch's batches
 * @param valMAP current-step mAP on the validation set (NaN without validation data)
 * @param valFutureMAP mAP per future step t+1 … t+F on the validation set (empty without)
 * @param learningRate the learning rate used in the epoch
 * @param windowsPerSecond training throughput (forward, backward and update)
 * @param archive folder name of the epoch's model archive inside the output folder
 */
public record EpochStats(
    int epoch,
    double loss,
    double valMAP,
    List<Double> valFutureMAP,
    double learningRate,
    double windowsPerSecond,
    String archive) {

  /** Copies the list. */
  public EpochStats {
    valFutureMAP = List.copyOf(valFutureMAP);
  }
}
