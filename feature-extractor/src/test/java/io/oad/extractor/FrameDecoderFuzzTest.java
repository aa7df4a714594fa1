package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.FrameHeaders;
import io.oad.contract.Mutator;
import io.oad.contract.Topics;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the frame path: {@link FrameDecoder} on mutated JPEGs and mutated {@link
 * FrameHeaders}, and {@link BatchEmbedder} on batches of such records. The decoder returns an image
 * of the announced size or throws {@link BadFrameException}; the batch turns every record into
 * exactly one embedding or one dead letter with a reason, and never throws.
 */
class FrameDecoderFuzzTest {
  private static final int ITERATIONS = 2_500;

  private record Frame(byte[] jpeg, int width, int height) {}

  private static List<Frame> frames() {
    List<Frame> frames = new ArrayList<>();
    int[][] sizes = {{16, 12}, {24, 24}, {8, 40}};
    for (int i = 0; i < sizes.length; i++) {
      BufferedImage image = TestFrames.scene(sizes[i][0], sizes[i][1], i);
      frames.add(new Frame(TestFrames.jpeg(image), sizes[i][0], sizes[i][1]));
    }
    return frames;
  }

  @Test
  void shouldDecodeOrRefuseMutatedJpegs() {
    List<Frame> frames = frames();
    Mutator m = new Mutator(21, frames.stream().map(Frame::jpeg).toList());
    int decoded = 0;
    try (FrameDecoder decoder = new FrameDecoder()) {
      for (int i = 0; i < ITERATIONS; i++) {
        byte[] jpeg = m.next();
        // announce the size of one of the originals, so that intact SOF segments pass the check
        Frame announced = frames.get(m.random().nextInt(frames.size()));
        Headers headers = TestFrames.headers(i, announced.width(), announced.height());
        if (decode(decoder, jpeg, headers, "input " + i) != null) {
          decoded++;
        }
      }
      assertGoodFrameStillDecodes(decoder, frames.get(0));
    }
    assertTrue(decoded > 0, "some mutants still decode (the fuzzer reaches the pixels)");
  }

  @Test
  void shouldDecodeOrRefuseMutatedHeaders() {
    Frame frame = frames().get(1);
    List<byte[]> corpus = new ArrayList<>();
    for (String v : List.of("0", "24", " 24 ", "8192", "8193", "-1", "image/jpeg", "x")) {
      corpus.add(v.getBytes(StandardCharsets.US_ASCII));
    }
    Mutator m = new Mutator(22, corpus);
    List<String> names =
        List.of(
            FrameHeaders.SEQUENCE,
            FrameHeaders.WIDTH,
            FrameHeaders.HEIGHT,
            FrameHeaders.CONTENT_TYPE);
    int decoded = 0;
    try (FrameDecoder decoder = new FrameDecoder()) {
      for (int i = 0; i < ITERATIONS; i++) {
        Headers headers = TestFrames.headers(i, frame.width(), frame.height());
        for (int k = 1 + m.random().nextInt(3); k > 0; k--) {
          String name = names.get(m.random().nextInt(names.size()));
          switch (m.random().nextInt(4)) {
            case 0 -> headers.remove(name);
            case 1 -> headers.add(name, null);
            default -> headers.add(name, m.next());
          }
        }
        byte[] jpeg = m.random().nextInt(10) == 0 ? null : frame.jpeg();
        if (decode(decoder, jpeg, m.random().nextInt(50) == 0 ? null : headers, "input " + i)
            != null) {
          decoded++;
        }
      }
      assertGoodFrameStillDecodes(decoder, frame);
    }
    assertTrue(decoded > 0, "some mutated headers are still acceptable");
  }

  @Test
  void shouldTurnEveryRecordOfAFuzzedBatchIntoAnEmbeddingOrADeadLetter() {
    List<Frame> frames = frames();
    Mutator m = new Mutator(23, frames.stream().map(Frame::jpeg).toList());
    Random r = m.random();
    EmbeddingSerde serde = new EmbeddingSerde();
    int embeddings = 0;
    int deadLetters = 0;
    try (BatchEmbedder embedder =
        new BatchEmbedder(
            new RecordingBackbone(new MeanColorBackbone(), true),
            new ExtractorMetrics(),
            Topics.EMBEDDINGS,
            Topics.DEADLETTER)) {
      long offset = 0;
      for (int b = 0; b < ITERATIONS / 10; b++) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        for (int k = 1 + r.nextInt(8); k > 0; k--) {
          Frame f = frames.get(r.nextInt(frames.size()));
          byte[] value = r.nextInt(3) == 0 ? f.jpeg() : m.next();
          Headers headers = TestFrames.headers(r.nextInt(5), f.width(), f.height());
          if (r.nextInt(8) == 0) {
            headers.add(FrameHeaders.SEQUENCE, m.mutate("7".getBytes(StandardCharsets.US_ASCII)));
          }
          String key = r.nextInt(20) == 0 ? (r.nextBoolean() ? null : "") : "cam-" + r.nextInt(3);
          long timestamp = r.nextInt(20) == 0 ? -1 : 1_700_000_000_000L + offset;
          batch.add(
              new ConsumerRecord<>(
                  Topics.FRAMES,
                  0,
                  offset++,
                  timestamp,
                  TimestampType.CREATE_TIME,
                  -1,
                  -1,
                  key,
                  value,
                  new RecordHeaders(headers.toArray()),
                  java.util.Optional.empty()));
        }
        BatchEmbedder.Output out;
        try {
          out = embedder.process(batch);
        } catch (RuntimeException | Error e) {
          throw new AssertionError("batch " + b + " raised " + e, e);
        }
        assertEquals(batch.size(), out.records().size(), "one output per input record");
        for (int i = 0; i < batch.size(); i++) {
          ProducerRecord<String, byte[]> o = out.records().get(i);
          assertEquals(batch.get(i).key(), o.key(), "outputs keep the input order and key");
          if (o.topic().equals(Topics.EMBEDDINGS)) {
            Embedding e = serde.deserialize(o.topic(), o.value());
            assertEquals(
                FrameHeaders.getLong(batch.get(i).headers(), FrameHeaders.SEQUENCE), e.sequence());
            embeddings++;
          } else {
            assertEquals(Topics.DEADLETTER, o.topic());
            assertNotNull(
                FrameHeaders.getString(o.headers(), DeadLetterHeaders.REASON), "a reason");
            assertEquals(
                batch.get(i).offset(), FrameHeaders.getLong(o.headers(), DeadLetterHeaders.OFFSET));
            deadLetters++;
          }
        }
        assertEquals(out.embeddings(), out.records().size() - out.reasons().size());
      }
    }
    assertTrue(embeddings > 0 && deadLetters > 0, embeddings + " embeddings, " + deadLetters);
  }

  /** Decodes; null when refused with a {@link BadFrameException}; fails on anything else. */
  private static BufferedImage decode(
      FrameDecoder decoder, byte[] jpeg, Headers headers, String what) {
    try {
      BufferedImage image = decoder.decode(jpeg, headers);
      assertNotNull(image, what);
      // size headers are optional; when sent, the image has that size
      Long width = FrameHeaders.getOptionalLong(headers, FrameHeaders.WIDTH);
      Long height = FrameHeaders.getOptionalLong(headers, FrameHeaders.HEIGHT);
      if (width != null) {
        assertEquals(width, image.getWidth(), what);
      }
      if (height != null) {
        assertEquals(height, image.getHeight(), what);
      }
      return image;
    } catch (BadFrameException refused) {
      assertNotNull(refused.reason(), "a refusal has a reason");
      return null;
    } catch (RuntimeException | Error e) {
      throw new AssertionError(what + " raised " + e + " (headers " + headers + ")", e);
    }
  }

  /** The decoder is not left broken by what it refused. */
  private static void assertGoodFrameStillDecodes(FrameDecoder decoder, Frame frame) {
    assertNotNull(
        decode(
            decoder, frame.jpeg(), TestFrames.headers(0, frame.width(), frame.height()), "good"));
  }

  /** A cheap pure-Java backbone (the decoders are under test, not the network). */
  private static final class MeanColorBackbone implements Backbone {
    @Override
    public String id() {
      return "mean-color-test";
    }

    @Override
    public int dimension() {
      return 3;
    }

    @Override
    public float[][] embed(List<BufferedImage> images) {
      float[][] rows = new float[images.size()][3];
      for (int i = 0; i < rows.length; i++) {
        BufferedImage im = images.get(i);
        for (int y = 0; y < im.getHeight(); y++) {
          for (int x = 0; x < im.getWidth(); x++) {
            int rgb = im.getRGB(x, y);
            rows[i][0] += ((rgb >> 16) & 0xFF) / 255f;
            rows[i][1] += ((rgb >> 8) & 0xFF) / 255f;
            rows[i][2] += (rgb & 0xFF) / 255f;
          }
        }
      }
      return rows;
    }

    @Override
    public void close() {}
  }
}
