package io.oad.bench;

import java.util.Objects;

/** One frame as the ingest publishes it: JPEG bytes and the size its headers announce. */
record JpegFrame(byte[] jpeg, int width, int height) {
  /** Validates the frame. */
  JpegFrame {
    Objects.requireNonNull(jpeg, "jpeg");
    if (jpeg.length == 0 || width <= 0 || height <= 0) {
      throw new IllegalArgumentException("empty frame or non-positive size");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JpegFrame f
        && width == f.width
        && height == f.height
        && java.util.Arrays.equals(jpeg, f.jpeg);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + java.util.Arrays.hashCode(jpeg);
  }

  @Override
  public String toString() {
    return "JpegFrame[" + width + "x" + height + ", " + jpeg.length + " bytes]";
  }
}
