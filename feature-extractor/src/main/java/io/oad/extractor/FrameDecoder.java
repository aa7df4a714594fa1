package io.oad.extractor;

import io.oad.contract.ContractException;
import io.oad.contract.FrameHeaders;
import io.oad.extractor.BadFrameException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.kafka.common.header.Headers;

/**
 * Turns the value and headers of one {@code oad.frames} record into an image, or says precisely why
 * it cannot. The JPEG header is read before the pixels, so frames announcing absurd sizes are
 * refused without allocating them. Decoder warnings (a truncated JPEG is otherwise returned
 * half-grey) count as corruption.
 *
 * <p>Not thread-safe: it keeps one {@link ImageReader}; use one decoder per thread.
 */
public final class FrameDecoder implements AutoCloseable {
  /** Largest accepted width or height in pixels. */
  public static final int MAX_SIDE = 8192;

  private final ImageReader reader;
  private final List<String> warnings = new ArrayList<>();
  private final IIOReadWarningListener warningListener = (source, warning) -> warnings.add(warning);

  /** Creates a decoder with its own JPEG reader. */
  public FrameDecoder() {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
    if (!readers.hasNext()) {
      throw new IllegalStateException("this JVM has no ImageIO JPEG reader");
    }
    reader = readers.next();
  }

  /**
   * Decodes one frame.
   *
   * @param jpeg the record value
   * @param headers the record headers ({@link FrameHeaders})
   * @return the decoded image, whose size equals the announced size
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
      BufferedImage image = reader.read(0);
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
