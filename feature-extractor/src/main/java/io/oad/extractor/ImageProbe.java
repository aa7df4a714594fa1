package io.oad.extractor;

import io.oad.extractor.BadFrameException.Reason;

/**
 * Recognises a frame's image format from its first bytes and reads its size from the image's own
 * header, without decoding any pixel: the JPEG SOF segment (after walking the segments before it)
 * or the PNG IHDR chunk. JPEG and PNG are accepted; other formats are refused with {@link
 * Reason#UNSUPPORTED_IMAGE}, named when recognised.
 */
final class ImageProbe {
  /** An accepted image format. */
  enum Format {
    JPEG("jpeg"),
    PNG("png");

    private final String imageIoName;

    Format(String imageIoName) {
      this.imageIoName = imageIoName;
    }

    /** The ImageIO format name of its reader. */
    String imageIoName() {
      return imageIoName;
    }
  }

  /** What the image's own header says. */
  record Probe(Format format, long width, long height) {}

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private ImageProbe() {}

  /** The format and size of {@code value} (not empty). */
  static Probe probe(byte[] value) throws BadFrameException {
    if (startsWith(value, 0, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF)) {
      return jpeg(value);
    }
    if (startsWith(value, 0, PNG_SIGNATURE)) {
      return png(value);
    }
    String other = otherFormat(value);
    throw new BadFrameException(
        Reason.UNSUPPORTED_IMAGE,
        (other != null ? other : "unknown format (first bytes " + hex(value, 8) + ")")
            + " (only JPEG and PNG)");
  }

  private static Probe jpeg(byte[] v) throws BadFrameException {
    int i = 2;
    while (i + 4 <= v.length) {
      if ((v[i] & 0xFF) != 0xFF) {
        throw new BadFrameException(
            Reason.CORRUPT, "JPEG has no marker at byte " + i + " before its frame header");
      }
      int marker = v[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2; // markers without a length
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) {
        break; // end of image or start of scan before any frame header
      }
      int length = ((v[i + 2] & 0xFF) << 8) | (v[i + 3] & 0xFF);
      if (length < 2) {
        throw new BadFrameException(Reason.CORRUPT, "JPEG segment length " + length);
      }
      if (isStartOfFrame(marker)) {
        // SOF: length(2), precision(1), height(2), width(2)
        if (i + 9 > v.length || length < 7) {
          break;
        }
        long height = ((v[i + 5] & 0xFF) << 8) | (v[i + 6] & 0xFF);
        long width = ((v[i + 7] & 0xFF) << 8) | (v[i + 8] & 0xFF);
        return new Probe(Format.JPEG, width, height);
      }
      i += 2 + length;
    }
    throw new BadFrameException(Reason.CORRUPT, "JPEG has no frame header (SOF segment)");
  }

  private static boolean isStartOfFrame(int marker) {
    // C0..CF except C4 (DHT), C8 (JPG extension) and CC (DAC)
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  private static Probe png(byte[] v) throws BadFrameException {
    // signature(8), then the IHDR chunk: length(4) = 13, type(4) "IHDR", width(4), height(4)
    if (v.length < 24 || !startsWith(v, 12, (byte) 'I', (byte) 'H', (byte) 'D', (byte) 'R')) {
      throw new BadFrameException(Reason.CORRUPT, "PNG does not start with an IHDR chunk");
    }
    return new Probe(Format.PNG, uint32(v, 16), uint32(v, 20));
  }

  /** The name of a recognised image format other than JPEG and PNG, or null. */
  private static String otherFormat(byte[] v) {
    if (startsWith(v, 0, "GIF8")) {
      return "GIF";
    }
    if (startsWith(v, 0, "BM")) {
      return "BMP";
    }
    if (startsWith(v, 0, "RIFF") && startsWith(v, 8, "WEBP")) {
      return "WebP";
    }
    if (startsWith(v, 0, "II*\0") || startsWith(v, 0, "MM\0*")) {
      return "TIFF";
    }
    if (startsWith(v, 4, "ftypavif") || startsWith(v, 4, "ftypavis")) {
      return "AVIF";
    }
    if (startsWith(v, 4, "ftyphei")
        || startsWith(v, 4, "ftypheic")
        || startsWith(v, 4, "ftypmif1")
        || startsWith(v, 4, "ftypmsf1")) {
      return "HEIF";
    }
    if (startsWith(v, 4, "ftyp")) {
      return "MP4/ISO media (a video, not an image)";
    }
    if (startsWith(v, 0, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x0C, (byte) 'j', (byte) 'P')
        || startsWith(v, 0, (byte) 0xFF, (byte) 0x4F, (byte) 0xFF, (byte) 0x51)) {
      return "JPEG 2000";
    }
    if (startsWith(v, 0, (byte) 0xFF, (byte) 0x0A) || startsWith(v, 4, "JXL ")) {
      return "JPEG XL";
    }
    if (startsWith(v, 0, "qoif")) {
      return "QOI";
    }
    if (v.length >= 2 && v[0] == 'P' && v[1] >= '1' && v[1] <= '7') {
      return "PNM";
    }
    if (startsWith(v, 0, (byte) 0xFF, (byte) 0xD8)) {
      return "JPEG without a marker after SOI";
    }
    return null;
  }

  private static boolean startsWith(byte[] v, int at, String ascii) {
    byte[] prefix = new byte[ascii.length()];
    for (int i = 0; i < prefix.length; i++) {
      prefix[i] = (byte) ascii.charAt(i);
    }
    return startsWith(v, at, prefix);
  }

  private static boolean startsWith(byte[] v, int at, byte... prefix) {
    if (v.length < at + prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (v[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static long uint32(byte[] v, int at) {
    return ((long) (v[at] & 0xFF) << 24)
        | ((v[at + 1] & 0xFF) << 16)
        | ((v[at + 2] & 0xFF) << 8)
        | (v[at + 3] & 0xFF);
  }

  private static String hex(byte[] v, int most) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(most, v.length); i++) {
      s.append(String.format("%02x", v[i] & 0xFF));
    }
    return s.toString();
  }
}
