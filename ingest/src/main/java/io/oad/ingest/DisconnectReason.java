package io.oad.ingest;

import java.util.Locale;

/** Why a camera's source was closed and is being reopened. */
public enum DisconnectReason {
  /** The source could not be opened or decoding failed (refused, reset, bad data, ...). */
  ERROR,
  /** A connected source delivered nothing for the stall timeout. */
  STALL,
  /** A live stream ended (the server closed the connection). */
  EOF;

  /** The lower-case name used as metric label and event header value. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
