package io.oad.datasets.pickle;

/**
 * Bytes of a pickle: small ones held, large ones as a region of the file that is streamed when
 * needed. {@code latin1Text} marks the protocol-2 form of bytes ({@code _codecs.encode(text,
 * 'latin1')}): the region then holds the UTF-8 of a text whose code points are the bytes.
 *
 * @param held the bytes, or null when they stay in the file
 * @param offset start of the region in the file
 * @param length length of the region (UTF-8 length when {@code latin1Text})
 * @param latin1Text whether the region is UTF-8 text standing for latin-1 bytes
 */
record Blob(byte[] held, long offset, long length, boolean latin1Text) {
  static Blob of(byte[] bytes) {
    return new Blob(bytes, -1, bytes.length, false);
  }
}
