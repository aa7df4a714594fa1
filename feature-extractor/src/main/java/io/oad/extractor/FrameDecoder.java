package io.oad.extractor;

import io.oad.contract.ContractException;
import io.oad.contract.FrameHeaders;
import io.oad.extractor.BadFrameException.Reason;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.kafka.common.header.Headers;

/**
 * Turns the value and headers of one {@code oad.frames} record into an image, or says precisely why
 * it cannot. The JPEG header is read before the pixels, so frames announcing absurd sizes or more
 * pixels than the bound (decompression bombs) are refused without allocating them, and large frames
 * are decoded subsampled (see {@link #subsampling}), so that the heap a frame costs is bounded.
 * Decoder warnings (a truncated JPEG is otherwise returned half-grey) count as corruption.
 *
 * <p>Not thread-safe: it keeps one {@link ImageReader}; use one decoder per thread.
 */
public final class FrameDecoder implements AutoCloseable {
  /** Largest accepted width or height in pixels. */
  public static final int MAX_SIDE = 8192;

  /** Default most pixels of a frame: 3840 x 2160. */
  public static final long DEFAULT_MAX_PIXELS = 3840L * 2160;

  /** Default most pixels a frame is decoded to: 1280 x 720. */
  public static final long DEFAULT_MAX_DECODED_PIXELS = 1280L * 720;

  private final ImageReader reader;
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
   * Creates a decoder with its own JPEG reader.
   *
   * @param maxPixels frames with more pixels (as announced by the headers or the JPEG itself) are
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
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
    if (!readers.hasNext()) {
      throw new IllegalStateException("this JVM has no ImageIO JPEG reader");
    }
    reader = readers.next();
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
   * Decodes one frame.
   *
   * @param jpeg the record value
   * @param headers the record headers ({@link FrameHeaders})
   * @return the decoded image: of the announced size, or (for a frame above the decoded-pixel
   *     bound) that size divided by the {@link #subsampling} factor, rounded up
   * @throws BadFrameException naming the first broken rule
   */
  public BufferedImage decode(byte[] jpeg, Headers headers) throws BadFrameException {
    if (jpeg == null || jpeg.length == 0) {
      throw new BadFrameException(Reason.EMPTY, "record value is empty");
    }
    long sequence = header(headers, FrameHeaders.SEQUENCE);
    if (sequence < 0) {
      throw new BadFrameException(Reason.BAD_HEADER, "negative sequence " + sequence);
    }
    long width = header(headers, FrameHeaders.WIDTH);
    long height = header(headers, FrameHeaders.HEIGHT);
    checkSides("header", width, height);
    checkPixels("header", width, height);
    String contentType = FrameHeaders.getString(headers, FrameHeaders.CONTENT_TYPE);
    if (contentType != null && !FrameHeaders.JPEG.equals(contentType.trim())) {
      throw new BadFrameException(Reason.NOT_JPEG, "content type is '" + contentType + "'");
    }
    if (jpeg.length < 3
        || (jpeg[0] & 0xFF) != 0xFF
        || (jpeg[1] & 0xFF) != 0xD8
        || (jpeg[2] & 0xFF) != 0xFF) {
      throw new BadFrameException(Reason.NOT_JPEG, "value does not start with a JPEG SOI marker");
    }
    return read(jpeg, width, height);
  }

  /** The per-camera sequence header of a record that {@link #decode} accepted. */
  public static long sequence(Headers headers) throws BadFrameException {
    return header(headers, FrameHeaders.SEQUENCE);
  }

  private BufferedImage read(byte[] jpeg, long width, long height) throws BadFrameException {
    warnings.clear();
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener(warningListener);
      // only the JPEG header (SOF segment) is parsed here, no pixels yet
      int jpegWidth = reader.getWidth(0);
      int jpegHeight = reader.getHeight(0);
      checkSides("JPEG", jpegWidth, jpegHeight);
      checkPixels("JPEG", jpegWidth, jpegHeight);
      if (jpegWidth != width || jpegHeight != height) {
        throw new BadFrameException(
            Reason.DIMENSION_MISMATCH,
            "headers announce "
                + width
                + "x"
                + height
                + " but the JPEG is "
                + jpegWidth
                + "x"
                + jpegHeight);
      }
      ImageReadParam param = reader.getDefaultReadParam();
      int factor = subsampling(jpegWidth, jpegHeight);
      if (factor > 1) {
        // ImageIO decodes row by row into the subsampled raster: the full image is never held
        param.setSourceSubsampling(factor, factor, 0, 0);
      }
      BufferedImage image = reader.read(0, param);
      if (!warnings.isEmpty()) {
        throw new BadFrameException(Reason.CORRUPT, "JPEG decoder warned: " + warnings.get(0));
      }
      return image;
    } catch (IOException | RuntimeException e) {
      // ImageIO reports broken entropy data as IIOException, some broken tables as runtime errors
      throw new BadFrameException(Reason.CORRUPT, "cannot decode JPEG: " + e.getMessage(), e);
    } finally {
      reader.removeIIOReadWarningListener(warningListener);
      reader.setInput(null);
    }
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

  private static long header(Headers headers, String name) throws BadFrameException {
    if (headers == null) {
      throw new BadFrameException(Reason.BAD_HEADER, "record has no headers");
    }
    try {
      return FrameHeaders.getLong(headers, name);
    } catch (ContractException e) {
      throw new BadFrameException(Reason.BAD_HEADER, e.getMessage(), e);
    }
  }

  /** Releases the JPEG reader. */
  @Override
  public void close() {
    reader.dispose();
  }
}
