package io.oad.datasets.compose;

import org.bytedeco.ffmpeg.global.avutil;

/** Keeps FFmpeg's console output to errors while composing (it warns about harmless quirks). */
final class FfmpegQuiet {
  static {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
  }

  private FfmpegQuiet() {}

  /** Applies the log level (once per JVM). */
  static void apply() {
    // the static initialiser does the work
  }
}
