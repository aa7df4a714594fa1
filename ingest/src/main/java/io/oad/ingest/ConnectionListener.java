package io.oad.ingest;

/**
 * Hears a camera's connection changes from {@link VideoIngestor}: called on the ingest thread, so
 * implementations must return quickly and must not throw.
 */
public interface ConnectionListener {
  /**
   * The first frame was read after (re)opening the camera's source.
   *
   * @param camera the camera id
   * @param nowMs wall-clock time of that frame
   */
  void onConnected(String camera, long nowMs);

  /**
   * The camera's stream source failed, stalled or ended; it is reopened if reconnect is on,
   * otherwise the run fails. Not called for files (a missing or broken file is a configuration
   * error, not a camera going offline).
   *
   * @param camera the camera id
   * @param reason why
   * @param detail the cause in words, for logs
   * @param lastFrameMs wall-clock time of the last frame read from the camera, or -1 if none yet
   */
  void onDisconnected(String camera, DisconnectReason reason, String detail, long lastFrameMs);

  /** A listener that ignores everything. */
  static ConnectionListener none() {
    return new ConnectionListener() {
      @Override
      public void onConnected(String camera, long nowMs) {}

      @Override
      public void onDisconnected(
          String camera, DisconnectReason reason, String detail, long lastFrameMs) {}
    };
  }
}
