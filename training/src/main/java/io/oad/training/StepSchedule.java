package io.oad.training;

import ai.djl.training.tracker.ParameterTracker;

/**
 * The learning rate of the official code: {@code base × decay^floor(epoch / every)}, i.e. × 0.1
 * after every epoch by default. The trainer sets the epoch before each epoch starts.
 */
final class StepSchedule implements ParameterTracker {
  private final float base;
  private final float decay;
  private final int every;
  private volatile int epoch;

  StepSchedule(float base, float decay, int every) {
    this.base = base;
    this.decay = decay;
    this.every = every;
  }

  void setEpoch(int epoch) {
    this.epoch = epoch;
  }

  /** The rate during 0-based {@code epoch}. */
  float rateAt(int epoch) {
    return (float) (base * Math.pow(decay, epoch / every));
  }

  @Override
  public float getNewValue(String parameterId, int numUpdate) {
    return rateAt(epoch);
  }
}
