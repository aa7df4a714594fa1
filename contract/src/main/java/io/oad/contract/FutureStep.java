package io.oad.contract;

import java.util.Objects;

/**
 * The anticipated action at one future step.
 *
 * @param offset steps ahead of the current step (1 = next step)
 * @param action name of the most likely class at that step
 * @param score its probability
 */
public record FutureStep(int offset, String action, double score) {
  /** Validates the fields. */
  public FutureStep {
    Objects.requireNonNull(action, "action");
    if (offset < 1) {
      throw new ContractException("future offset must be >= 1, got " + offset);
    }
  }
}
