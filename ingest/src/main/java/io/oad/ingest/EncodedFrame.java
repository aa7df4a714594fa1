package io.oad.ingest;

/** A JPEG image with its size, ready to publish. */
record EncodedFrame(byte[] jpeg, int width, int height) {
  EncodedFrame {
    if (jpeg == null || jpeg.length == 0) {
      throw new IllegalArgumentException("jpeg must not be empty");
    }
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
    }
  }
}
