package io.oad.datasets.pickle;

/** A pickle this reader refuses: malformed, truncated, or holding something other than data. */
public final class PickleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  PickleException(String message) {
    super(message);
  }
}
