package io.oad.ingest;

/**
 * A video source could not be read or its frames could not be published. The message names the
 * source and the cause, so callers can print it without a stack trace.
 */
public class IngestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the source and the cause. */
  public IngestException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming the source and the cause, keeping the cause. */
  public IngestException(String message, Throwable cause) {
    super(message, cause);
  }
}
