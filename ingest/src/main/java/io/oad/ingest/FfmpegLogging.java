package io.oad.ingest;

import org.bytedeco.ffmpeg.global.avutil;

/**
 * Keeps FFmpeg's own console output to errors: by default it prints container details and warnings
 * about harmless quirks to stderr for every file opened or written.
 */
public final class FfmpegLogging {
  static {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
  }

  private FfmpegLogging() {}

  /** Applies the log level (once per JVM, on first call). */
  public static void quiet() {
    // the static initialiser does the work
  }
}
