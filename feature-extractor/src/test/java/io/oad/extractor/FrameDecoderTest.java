package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.FrameHeaders;
import io.oad.extractor.BadFrameException.Reason;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  private static final byte[] GOOD = TestFrames.jpeg(TestFrames.scene(64, 48, 5));

  private final FrameDecoder decoder = new FrameDecoder();
  private final Set<Reason> seen = EnumSet.noneOf(Reason.class);

  @AfterEach
  void closeDecoder() {
    decoder.close();
  }

  @Test
  void shouldDecodeAValidFrameToItsAnnouncedSize() throws BadFrameException {
    BufferedImage image = decoder.decode(GOOD, TestFrames.headers(3, 64, 48));
    assertEquals(64, image.getWidth());
    assertEquals(48, image.getHeight());
    // the decoder is reusable
    assertEquals(64, decoder.decode(GOOD, TestFrames.headers(4, 64, 48)).getWidth());
  }

  @Test
  void shouldRefuseEachKindOfBadFrameWithItsOwnReason() {
    refused(Reason.EMPTY, null, TestFrames.headers(0, 64, 48));
    refused(Reason.EMPTY, new byte[0], TestFrames.headers(0, 64, 48));

    Headers textHeight = TestFrames.headers(0, 64, 48);
    FrameHeaders.putString(textHeight, FrameHeaders.HEIGHT, "tall");
    refused(Reason.BAD_HEADER, GOOD, textHeight);
    refused(Reason.BAD_HEADER, GOOD, TestFrames.headers(-1, 64, 48));
    Headers saysPng = TestFrames.headers(0, 64, 48);
    FrameHeaders.putString(saysPng, FrameHeaders.CONTENT_TYPE, "image/png");
    refused(Reason.BAD_HEADER, GOOD, saysPng);

    refused(
        Reason.UNSUPPORTED_IMAGE,
        "hello".getBytes(StandardCharsets.US_ASCII),
        TestFrames.headers(0, 64, 48));
    Headers gif = TestFrames.headers(0, 64, 48);
    FrameHeaders.putString(gif, FrameHeaders.CONTENT_TYPE, "image/gif");
    refused(Reason.UNSUPPORTED_IMAGE, GOOD, gif);

    refused(Reason.ABSURD_DIMENSIONS, GOOD, TestFrames.headers(0, 100_000, 48));
    refused(Reason.ABSURD_DIMENSIONS, GOOD, TestFrames.headers(0, 64, 0));
    refused(Reason.ABSURD_DIMENSIONS, GOOD, TestFrames.headers(0, -64, 48));

    refused(Reason.DIMENSION_MISMATCH, GOOD, TestFrames.headers(0, 65, 48));

    refused(Reason.CORRUPT, Arrays.copyOf(GOOD, GOOD.length / 2), TestFrames.headers(0, 64, 48));
    refused(Reason.CORRUPT, Arrays.copyOf(GOOD, 40), TestFrames.headers(0, 64, 48));

    assertEquals(
        EnumSet.range(Reason.EMPTY, Reason.CORRUPT), seen, "every decode reason exercised");
  }

  @Test
  void shouldDecodeAFrameWithoutAnyHeaderAtItsOwnSize() throws BadFrameException {
    assertEquals(64, decoder.decode(GOOD, new RecordHeaders()).getWidth());
    BufferedImage image = decoder.decode(GOOD, null);
    assertEquals(64, image.getWidth());
    assertEquals(48, image.getHeight());
    Headers sequenceOnly = new RecordHeaders();
    FrameHeaders.putLong(sequenceOnly, FrameHeaders.SEQUENCE, 7);
    assertEquals(48, decoder.decode(GOOD, sequenceOnly).getHeight());
    Headers octets = new RecordHeaders();
    FrameHeaders.putString(octets, FrameHeaders.CONTENT_TYPE, "application/octet-stream");
    assertEquals(48, decoder.decode(GOOD, octets).getHeight());
    assertEquals(64L * 48, decoder.decodedPixels(GOOD, null));
    // a size header that is sent must still be right, even alone
    Headers widthOnly = new RecordHeaders();
    FrameHeaders.putLong(widthOnly, FrameHeaders.WIDTH, 65);
    refused(Reason.DIMENSION_MISMATCH, GOOD, widthOnly);
  }

  @Test
  void shouldDecodeAJpegThatOnlyLacksItsEndOfImageMarker() throws BadFrameException {
    // what kcat -D '\xff\xd9' makes of an MJPEG stream (ffmpeg -f image2pipe): EOI cut off
    byte[] noEoi = Arrays.copyOf(GOOD, GOOD.length - 2);
    BufferedImage image = decoder.decode(noEoi, null);
    BufferedImage reference = decoder.decode(GOOD, null);
    assertEquals(reference.getRGB(20, 20), image.getRGB(20, 20));
    // but a JPEG cut inside its image data is still refused
    refused(Reason.CORRUPT, Arrays.copyOf(GOOD, GOOD.length - 40), null);
  }

  @Test
  void shouldDecodeAPngBySniffingWithOrWithoutItsContentType() throws BadFrameException {
    BufferedImage scene = TestFrames.scene(80, 60, 4);
    byte[] png = TestFrames.png(scene);
    BufferedImage image = decoder.decode(png, null);
    assertEquals(80, image.getWidth());
    assertEquals(60, image.getHeight());
    assertEquals(scene.getRGB(10, 10), image.getRGB(10, 10), "PNG is lossless");
    Headers headers = TestFrames.headers(0, 80, 60);
    FrameHeaders.putString(headers, FrameHeaders.CONTENT_TYPE, "image/png");
    assertEquals(80, decoder.decode(png, headers).getWidth());
    // and the JPEG reader still works after the PNG one
    assertEquals(64, decoder.decode(GOOD, null).getWidth());
    Headers wrongWidth = TestFrames.headers(0, 81, 60);
    wrongWidth.remove(FrameHeaders.CONTENT_TYPE);
    refused(Reason.DIMENSION_MISMATCH, png, wrongWidth);
    refused(Reason.CORRUPT, Arrays.copyOf(png, png.length / 2), null);
  }

  @Test
  void shouldRefuseAPngBombFromItsIhdrBeforeDecodingIt() {
    byte[] png = TestFrames.png(TestFrames.scene(80, 60, 4));
    byte[] bomb = png.clone();
    // IHDR width and height at bytes 16..23: 4000 x 4000 (the chunk CRC is then wrong too, but
    // the size is refused before anything reads it)
    bomb[16] = 0;
    bomb[17] = 0;
    bomb[18] = (byte) 0x0F;
    bomb[19] = (byte) 0xA0;
    bomb[20] = 0;
    bomb[21] = 0;
    bomb[22] = (byte) 0x0F;
    bomb[23] = (byte) 0xA0;
    BadFrameException e = refused(Reason.TOO_MANY_PIXELS, bomb, null);
    assertTrue(e.getMessage().contains("PNG size 4000x4000"), e.getMessage());
    assertEquals(0, decoder.decodedPixels(bomb, null));
    byte[] absurd = png.clone();
    absurd[16] = (byte) 0x7F;
    e = refused(Reason.ABSURD_DIMENSIONS, absurd, null);
    assertTrue(e.getMessage().contains("PNG size"), e.getMessage());
  }

  @Test
  void shouldRefuseOtherImageFormatsNamingThem() {
    Map<String, byte[]> formats = new LinkedHashMap<>();
    formats.put("GIF", "GIF89a\1\0\1\0".getBytes(StandardCharsets.ISO_8859_1));
    formats.put("BMP", "BM\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
    formats.put("WebP", "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1));
    formats.put("TIFF", "II*\0\10\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
    formats.put("AVIF", "\0\0\0\34ftypavif".getBytes(StandardCharsets.ISO_8859_1));
    formats.put("HEIF", "\0\0\0\30ftypheic".getBytes(StandardCharsets.ISO_8859_1));
    formats.put("JPEG 2000", "\0\0\0\14jP  \r\n".getBytes(StandardCharsets.ISO_8859_1));
    formats.put("JPEG XL", new byte[] {(byte) 0xFF, 0x0A, 0, 0});
    for (var f : formats.entrySet()) {
      BadFrameException e = refused(Reason.UNSUPPORTED_IMAGE, f.getValue(), null);
      assertEquals("unsupported-image: " + f.getKey() + " (only JPEG and PNG)", e.getMessage());
    }
    BadFrameException e =
        refused(Reason.UNSUPPORTED_IMAGE, "hello".getBytes(StandardCharsets.US_ASCII), null);
    assertEquals(
        "unsupported-image: unknown format (first bytes 68656c6c6f) (only JPEG and PNG)",
        e.getMessage());
  }

  @Test
  void shouldRefuseAJpegWhoseOwnHeaderClaimsAnAbsurdSizeWithoutDecodingIt() {
    byte[] huge = GOOD.clone();
    int sof = findStartOfFrame(huge);
    // SOF layout: FF C0, length(2), precision(1), height(2), width(2)
    // height 20000: above our limit, below libjpeg's own 65500
    huge[sof + 5] = (byte) 0x4E;
    huge[sof + 6] = (byte) 0x20;
    BadFrameException e = refused(Reason.ABSURD_DIMENSIONS, huge, TestFrames.headers(0, 64, 48));
    assertTrue(e.getMessage().contains("JPEG size"), e.getMessage());
  }

  @Test
  void shouldRefuseADecompressionBombBeforeDecodingIt() {
    byte[] bomb = GOOD.clone();
    int sof = findStartOfFrame(bomb);
    // 4000 x 4000 = 16 Mpx: within the side limit, beyond the pixel limit
    bomb[sof + 5] = (byte) 0x0F;
    bomb[sof + 6] = (byte) 0xA0;
    bomb[sof + 7] = (byte) 0x0F;
    bomb[sof + 8] = (byte) 0xA0;
    BadFrameException e = refused(Reason.TOO_MANY_PIXELS, bomb, TestFrames.headers(0, 4000, 4000));
    assertTrue(e.getMessage().contains("4000x4000"), e.getMessage());
    // announced in the headers only: refused before the JPEG is even opened
    refused(Reason.TOO_MANY_PIXELS, GOOD, TestFrames.headers(0, 8192, 8192));
  }

  @Test
  void shouldDecodeALargeFrameSubsampledToTheDecodedPixelBound() throws BadFrameException {
    byte[] large = TestFrames.jpeg(TestFrames.scene(2560, 1440, 9));
    BufferedImage image = decoder.decode(large, TestFrames.headers(0, 2560, 1440));
    assertEquals(1280, image.getWidth(), "subsampled by 2");
    assertEquals(720, image.getHeight());
    assertTrue(
        (long) image.getWidth() * image.getHeight() <= FrameDecoder.DEFAULT_MAX_DECODED_PIXELS);
  }

  @Test
  void shouldNotSubsampleBelowTwiceTheBackbonesInputSize() throws BadFrameException {
    byte[] large = TestFrames.jpeg(TestFrames.scene(2560, 1440, 9));
    try (FrameDecoder small =
        new FrameDecoder(FrameDecoder.DEFAULT_MAX_PIXELS, 100_000, new Dimension(400, 200))) {
      BufferedImage image = small.decode(large, TestFrames.headers(0, 2560, 1440));
      // 100k pixels would need a factor of 7; twice 400x200 allows at most 3
      assertEquals(854, image.getWidth());
      assertEquals(480, image.getHeight());
      assertEquals((long) 854 * 480, small.decodedPixels(2560, 1440));
    }
  }

  @Test
  void shouldRefuseAJpegWithGarbledEntropyData() {
    byte[] garbled = GOOD.clone();
    int sos = findMarker(garbled, 0xDA);
    for (int i = sos + 20; i < garbled.length - 2; i++) {
      garbled[i] = (byte) 0xFF;
    }
    refused(Reason.CORRUPT, garbled, TestFrames.headers(0, 64, 48));
  }

  private BadFrameException refused(Reason expected, byte[] value, Headers headers) {
    BadFrameException e =
        assertThrows(BadFrameException.class, () -> decoder.decode(value, headers));
    assertEquals(expected, e.reason(), e.getMessage());
    assertTrue(e.getMessage().startsWith(expected.code() + ": "), e.getMessage());
    seen.add(e.reason());
    return e;
  }

  private static int findStartOfFrame(byte[] jpeg) {
    int baseline = findMarker(jpeg, 0xC0);
    return baseline >= 0 ? baseline : findMarker(jpeg, 0xC2);
  }

  private static int findMarker(byte[] jpeg, int marker) {
    for (int i = 2; i < jpeg.length - 1; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
        return i;
      }
    }
    throw new AssertionError("marker " + Integer.toHexString(marker) + " not found");
  }
}
