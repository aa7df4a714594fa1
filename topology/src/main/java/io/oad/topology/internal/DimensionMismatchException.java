package io.oad.topology.internal;

import io.oad.contract.ContractException;

/**
 * An embedding's dimension differs from the model's feature dimension. Thrown by the processor so
 * that the processing exception handler sends the record to the dead-letter topic.
 */
public final class DimensionMismatchException extends ContractException {
  private static final long serialVersionUID = 1L;

  /** Describes the mismatch for one record. */
  public DimensionMismatchException(String camera, long sequence, int actual, int expected) {
    super(
        "embedding dimension "
            + actual
            + " does not match the model's feature dimension "
            + expected
            + " (camera "
            + camera
            + ", sequence "
            + sequence
            + ")");
  }
}
