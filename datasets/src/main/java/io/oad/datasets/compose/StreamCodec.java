package io.oad.datasets.compose;

import org.bytedeco.ffmpeg.global.avcodec;

/**
 * Video codecs for composed streams. All are intra-only, so every frame is stored as written and
 * read back at its own time; the container is AVI at a constant frame rate.
 */
public enum StreamCodec {
  /** FFV1, lossless (YUV 4:2:0): about 2.3 times the size of MJPEG and 3 times slower. */
  FFV1(avcodec.AV_CODEC_ID_FFV1, "avi"),
  /**
   * Motion JPEG at the highest quality (qscale 1, full-range 4:2:0); the default. Decoded clip
   * frames differ from the source clip's by under 2 grey levels on average, as with FFV1, because
   * most of that difference is the colour conversion, not the codec.
   */
  MJPEG(avcodec.AV_CODEC_ID_MJPEG, "avi");

  private final int codecId;
  private final String extension;

  StreamCodec(int codecId, String extension) {
    this.codecId = codecId;
    this.extension = extension;
  }

  /** FFmpeg codec id. */
  int codecId() {
    return codecId;
  }

  /** File extension (and FFmpeg container format) without the dot. */
  public String extension() {
    return extension;
  }
}
