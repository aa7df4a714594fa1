package io.oad.extractor;

import io.oad.contract.ContractException;
import io.oad.contract.FrameHeaders;
import io.oad.extractor.BadFrameException.Reason;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.kafka.common.header.Headers;

/**
 * Turns the value and headers of one {@code oad.frames} record into an image, or says precisely why
 * it cannot. The value is a JPEG or a PNG, recognised by its first bytes ({@link ImageProbe}); the
 * headers are optional ({@link FrameHeaders}). The image's own header (JPEG SOF, PNG IHDR) is read
 * before the pixels, so frames announcing absurd sizes or more pixels than the bound (decompression
 * bombs) are refused without allocating them, and large frames are decoded subsampled (see {@link
 * #subsampling}), so that the heap a frame costs is bounded. Decoder warnings (a truncated JPEG is
 * otherwise returned half-grey) count as corruption. A JPEG whose only defect is a missing final
 * end-of-image marker (what splitting an MJPEG stream at that marker leaves, e.g. {@code kcat -D
 * '\xff\xd9'}) is decoded as if it had one.
 *
 * <p>Not thread-safe: it keeps one {@link ImageReader} per format; use one decoder per thread.
 */
public final class FrameDecoder implements AutoCloseable {
  /** Largest accepted width or height in pixels. */
  public static final int MAX_SIDE = 8192;

  /** Default most pixels of a frame: 3840 x 2160. */
  public static final long DEFAULT_MAX_PIXELS = 3840L * 2160;

  /** Default most pixels a frame is decoded to: 1280 x 720. */
  public static final long DEFAULT_MAX_DECODED_PIXELS = 1280L * 720;

  private static final byte[] END_OF_IMAGE = {(byte) 0xFF, (byte) 0xD9};

  private final Map<ImageProbe.Format, ImageReader> readers =
      new EnumMap<>(ImageProbe.Format.class);
  private final List<String> warnings = new ArrayList<>();
  private final IIOReadWarningListener warningListener = (source, warning) -> warnings.add(warning);

  private final long maxPixels;
  private final long maxDecodedPixels;
  private final Dimension minimumSize;

  /**
   * Creates a decoder with the default bounds ({@value #DEFAULT_MAX_PIXELS} pixels per frame,
   * decoded to at most {@value #DEFAULT_MAX_DECODED_PIXELS}) and its own JPEG reader.
   */
  public FrameDecoder() {
    this(DEFAULT_MAX_PIXELS, DEFAULT_MAX_DECODED_PIXELS, null);
  }

  /**
   * Creates a decoder with its own image readers.
   *
   * @param maxPixels frames with more pixels (as announced by the headers or the image itself) are
   *     refused before any pixel is decoded
   * @param maxDecodedPixels frames with more pixels are decoded subsampled by the smallest integer
   *     factor that brings them within this bound ...
   * @param minimumSize ... but never below twice this size (the backbone's input size), or {@code
   *     null} for no such floor
   */
  public FrameDecoder(long maxPixels, long maxDecodedPixels, Dimension minimumSize) {
    if (maxPixels < 1 || maxDecodedPixels < 1) {
      throw new IllegalArgumentException(
          "pixel bounds must be positive: " + maxPixels + ", " + maxDecodedPixels);
    }
    this.maxPixels = maxPixels;
    this.maxDecodedPixels = maxDecodedPixels;
    this.minimumSize = minimumSize == null ? null : new Dimension(minimumSize);
    reader(ImageProbe.Format.JPEG); // fails fast on a JVM without one
  }

  /**
   * The subsampling factor a frame of this size is decoded with: 1 up to the decoded-pixel bound,
   * then the smallest factor within it, but no larger than keeps twice the minimum size.
   */
  public int subsampling(long width, long height) {
    if (!withinSides(width, height) || width * height <= maxDecodedPixels) {
      return 1;
    }
    long most = Math.max(width, height);
    int factor = 2;
    while (factor < most && ceilDiv(width, factor) * ceilDiv(height, factor) > maxDecodedPixels) {
      factor++;
    }
    if (minimumSize != null) {
      while (factor > 1
          && (ceilDiv(width, factor) < 2L * minimumSize.width
              || ceilDiv(height, factor) < 2L * minimumSize.height)) {
        factor--;
      }
    }
    return factor;
  }

  /**
   * How many pixels a frame of this size is decoded to (see {@link #subsampling}); 0 for a size
   * that is refused before decoding.
   */
  public long decodedPixels(long width, long height) {
    if (!withinSides(width, height) || width * height > maxPixels) {
      return 0; // refused before decoding
    }
    int factor = subsampling(width, height);
    return ceilDiv(width, factor) * ceilDiv(height, factor);
  }

  private static boolean withinSides(long width, long height) {
    return width > 0 && height > 0 && width <= MAX_SIDE && height <= MAX_SIDE;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /**
   * Decodes one frame. Only the value is required; each header that is present is checked ({@link
   * FrameHeaders}): the size is read from the image's own header and must match the size headers
   * when they are sent.
   *
   * @param value the record value: a JPEG or PNG image
   * @param headers the record headers ({@link FrameHeaders}), possibly none
   * @return the decoded image: of its own size, or (for a frame above the decoded-pixel bound) that
   *     size divided by the {@link #subsampling} factor, rounded up
   * @throws BadFrameException naming the first broken rule
   */
  public BufferedImage decode(byte[] value, Headers headers) throws BadFrameException {
    if (value == null || value.length == 0) {
      throw new BadFrameException(Reason.EMPTY, "record value is empty");
    }
    Long sequence = optionalHeader(headers, FrameHeaders.SEQUENCE);
    if (sequence != null && sequence < 0) {
      throw new BadFrameException(Reason.BAD_HEADER, "negative sequence " + sequence);
    }
    Long width = optionalHeader(headers, FrameHeaders.WIDTH);
    Long height = optionalHeader(headers, FrameHeaders.HEIGHT);
    checkSides("header", width == null ? 1 : width, height == null ? 1 : height);
    if (width != null && height != null) {
      checkPixels("header", width, height);
    }
    ImageProbe.Format announced = announcedFormat(headers);
    ImageProbe.Probe probe = ImageProbe.probe(value);
    if (announced != null && announced != probe.format()) {
      throw new BadFrameException(
          Reason.BAD_HEADER,
          "content type says "
              + announced
              + " but the value is a "
              + probe.format()
              + " (by its first bytes)");
    }
    String what = probe.format().name();
    checkSides(what, probe.width(), probe.height());
    checkPixels(what, probe.width(), probe.height());
    if ((width != null && width != probe.width()) || (height != null && height != probe.height())) {
      throw new BadFrameException(
          Reason.DIMENSION_MISMATCH,
          "headers announce "
              + (width == null ? "?" : width)
              + "x"
              + (height == null ? "?" : height)
              + " but the "
              + what
              + " is "
              + probe.width()
              + "x"
              + probe.height());
    }
    return read(value, probe);
  }

  /**
   * How many pixels this frame will be decoded to (see {@link #subsampling}), from the size its
   * headers announce or, without them, the image's own header; 0 for a frame that is refused before
   * decoding.
   */
  public long decodedPixels(byte[] value, Headers headers) {
    try {
      Long width = optionalHeader(headers, FrameHeaders.WIDTH);
      Long height = optionalHeader(headers, FrameHeaders.HEIGHT);
      if (width != null && height != null) {
        return decodedPixels(width, height);
      }
      if (value == null || value.length == 0) {
        return 0;
      }
      ImageProbe.Probe probe = ImageProbe.probe(value);
      return decodedPixels(probe.width(), probe.height());
    } catch (BadFrameException e) {
      return 0;
    }
  }

  /** The format a content-type header names, or null when absent or saying nothing. */
  private static ImageProbe.Format announcedFormat(Headers headers) throws BadFrameException {
    String contentType = FrameHeaders.getString(headers, FrameHeaders.CONTENT_TYPE);
    if (contentType == null) {
      return null;
    }
    // parameters such as "; charset=..." say nothing about the format
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    switch (type) {
      case FrameHeaders.JPEG:
        return ImageProbe.Format.JPEG;
      case FrameHeaders.PNG:
        return ImageProbe.Format.PNG;
      case FrameHeaders.OCTET_STREAM:
      case "":
        return null;
      default:
        throw new BadFrameException(
            Reason.UNSUPPORTED_IMAGE,
            "content type '"
                + DeadLetters.cut(contentType, 100)
                + "' (only "
                + FrameHeaders.JPEG
                + " and "
                + FrameHeaders.PNG
                + ")");
    }
  }

  private BufferedImage read(byte[] value, ImageProbe.Probe probe) throws BadFrameException {
    ImageReader reader = reader(probe.format());
    String what = probe.format().name();
    warnings.clear();
    InputStream bytes = new ByteArrayInputStream(value);
    if (probe.format() == ImageProbe.Format.JPEG && !endsWithEndOfImage(value)) {
      // a stream of JPEGs split at the EOI marker (kcat -D '\xff\xd9') loses that marker; the
      // image data before it is complete. Truncated data still makes the decoder warn: refused.
      bytes = new SequenceInputStream(bytes, new ByteArrayInputStream(END_OF_IMAGE));
    }
    try (ImageInputStream in = new MemoryCacheImageInputStream(bytes)) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener(warningListener);
      // only the image header is parsed here, no pixels yet
      int readerWidth = reader.getWidth(0);
      int readerHeight = reader.getHeight(0);
      if (readerWidth != probe.width() || readerHeight != probe.height()) {
        throw new BadFrameException(
            Reason.CORRUPT,
            what
                + " header says "
                + probe.width()
                + "x"
                + probe.height()
                + " but decodes as "
                + readerWidth
                + "x"
                + readerHeight);
      }
      ImageReadParam param = reader.getDefaultReadParam();
      int factor = subsampling(readerWidth, readerHeight);
      if (factor > 1) {
        // ImageIO decodes row by row into the subsampled raster: the full image is never held
        param.setSourceSubsampling(factor, factor, 0, 0);
      }
      BufferedImage image = reader.read(0, param);
      if (!warnings.isEmpty()) {
        throw new BadFrameException(Reason.CORRUPT, what + " decoder warned: " + warnings.get(0));
      }
      return image;
    } catch (IOException | RuntimeException e) {
      // ImageIO reports broken entropy data as IIOException, some broken tables as runtime errors
      throw new BadFrameException(
          Reason.CORRUPT, "cannot decode " + what + ": " + e.getMessage(), e);
    } finally {
      reader.removeIIOReadWarningListener(warningListener);
      reader.setInput(null);
    }
  }

  private static boolean endsWithEndOfImage(byte[] jpeg) {
    int n = jpeg.length;
    return n >= 2 && jpeg[n - 2] == END_OF_IMAGE[0] && jpeg[n - 1] == END_OF_IMAGE[1];
  }

  private ImageReader reader(ImageProbe.Format format) {
    return readers.computeIfAbsent(
        format,
        f -> {
          Iterator<ImageReader> found = ImageIO.getImageReadersByFormatName(f.imageIoName());
          if (!found.hasNext()) {
            throw new IllegalStateException("this JVM has no ImageIO " + f + " reader");
          }
          return found.next();
        });
  }

  private static void checkSides(String where, long width, long height) throws BadFrameException {
    if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE) {
      throw new BadFrameException(
          Reason.ABSURD_DIMENSIONS,
          where + " size " + width + "x" + height + " outside 1.." + MAX_SIDE);
    }
  }

  private void checkPixels(String where, long width, long height) throws BadFrameException {
    if (width * height > maxPixels) {
      throw new BadFrameException(
          Reason.TOO_MANY_PIXELS,
          where
              + " size "
              + width
              + "x"
              + height
              + " is "
              + width * height
              + " pixels, more than the "
              + maxPixels
              + " this extractor decodes");
    }
  }

  private static Long optionalHeader(Headers headers, String name) throws BadFrameException {
    try {
      return FrameHeaders.getOptionalLong(headers, name);
    } catch (ContractException e) {
      throw new BadFrameException(Reason.BAD_HEADER, e.getMessage(), e);
    }
  }

  /** Releases the image readers. */
  @Override
  public void close() {
    readers.values().forEach(ImageReader::dispose);
    readers.clear();
  }
}
