package io.oad.extractor;

import io.oad.contract.CameraIds;
import io.oad.contract.CaptureTimes;
import io.oad.contract.ContractException;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.FrameHeaders;
import io.oad.contract.StepGrid;
import io.oad.extractor.BadFrameException.Reason;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one batch of frame records into output records, in input order: an embedding record for
 * each good frame and a dead-letter record for each bad one. All good frames go through the
 * backbone in one call; if that call fails, each frame is retried alone so that one poisonous frame
 * cannot block the others. Knows nothing of polling or committing.
 *
 * <p>When the backbone {@linkplain Backbone#usesPreviousFrame() uses previous frames}, each frame
 * is paired with its camera's previous decoded frame by {@link PreviousFrames} (only when the
 * sequence numbers are consecutive), across batches. A frame without a sequence header is numbered
 * by its offset and paired with its camera's previous record on the partition, when this embedder
 * has seen every record of the partition since that one (no rewind, skip or dropped frame between).
 *
 * <p>With a step rate ({@link ExtractorConfig#stepsPerSecond()}), a frame is decoded (it is its
 * camera's previous frame for the next one's motion plane) but not embedded when an earlier frame
 * of its camera formed its grid step ({@link StepGrid}): the same step, a later offset on the same
 * partition, a higher sequence number and a capture time no earlier than that frame's. Such a frame
 * is the detector's {@code extra_frame}, which it drops unused. Anything else (a restart at
 * sequence 0, a re-read after a rewind, a duplicate, a frame out of order) is embedded as before,
 * and a frame skipped in a batch whose forming frame then fails to embed is embedded after all.
 */
final class BatchEmbedder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchEmbedder.class);

  private final Backbone backbone;
  private final ExtractorMetrics metrics;
  private final String embeddingsTopic;
  private final String deadLetterTopic;
  private final long maxCaptureAheadMs;
  private final int maxRecordBytes;
  private final Clock clock;
  private final FrameDecoder decoder;
  private final EmbeddingSerde serde = new EmbeddingSerde();
  private final PreviousFrames previousFrames;
  // per partition: first and last offset of the run of consecutive records seen
  private final Map<TopicPartition, long[]> runs = new HashMap<>();
  private final double stepsPerSecond;
  // added to every embedding when frames of formed steps are skipped (made once)
  private final Header rateHeader;
  // per camera: the frame that formed its latest step (least recently used forgotten first)
  private final Map<String, Formed> formed =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Formed> eldest) {
          return size() > MAX_FORMED_CAMERAS;
        }
      };

  /**
   * Cameras whose latest formed step is remembered; a forgotten camera's next frame is embedded.
   */
  static final int MAX_FORMED_CAMERAS = 100_000;

  /** The frame that formed a camera's step. */
  private record Formed(int partition, long offset, long sequence, long captureMs, long step) {
    /** Whether a frame with these values lands in this step after it (see the class comment). */
    boolean covers(int partition, long offset, long sequence, long captureMs, long step) {
      return step == this.step
          && partition == this.partition
          && offset > this.offset
          && sequence > this.sequence
          && captureMs >= this.captureMs;
    }
  }

  /** With the default bounds of {@link ExtractorConfig} and the system clock. */
  BatchEmbedder(
      Backbone backbone, ExtractorMetrics metrics, String embeddingsTopic, String deadLetterTopic) {
    this(
        backbone,
        metrics,
        embeddingsTopic,
        deadLetterTopic,
        ExtractorConfig.DEFAULT_MAX_CAPTURE_AHEAD.toMillis(),
        1024 * 1024,
        new FrameDecoder(
            ExtractorConfig.DEFAULT_MAX_FRAME_PIXELS,
            ExtractorConfig.DEFAULT_MAX_DECODED_PIXELS,
            backbone.inputSize()),
        0,
        Clock.systemUTC());
  }

  /** With the topics and bounds of {@code config}. */
  BatchEmbedder(Backbone backbone, ExtractorMetrics metrics, ExtractorConfig config, Clock clock) {
    this(
        backbone,
        metrics,
        config.embeddingsTopic(),
        config.deadLetterTopic(),
        config.maxCaptureAhead().toMillis(),
        config.maxRequestSize(),
        new FrameDecoder(config.maxFramePixels(), config.maxDecodedPixels(), backbone.inputSize()),
        config.stepsPerSecond(),
        clock);
  }

  private BatchEmbedder(
      Backbone backbone,
      ExtractorMetrics metrics,
      String embeddingsTopic,
      String deadLetterTopic,
      long maxCaptureAheadMs,
      int maxRecordBytes,
      FrameDecoder decoder,
      double stepsPerSecond,
      Clock clock) {
    this.backbone = backbone;
    this.metrics = metrics;
    this.embeddingsTopic = embeddingsTopic;
    this.deadLetterTopic = deadLetterTopic;
    this.maxCaptureAheadMs = maxCaptureAheadMs;
    this.maxRecordBytes = maxRecordBytes;
    this.decoder = decoder;
    this.clock = clock;
    this.stepsPerSecond = stepsPerSecond;
    this.rateHeader = stepsPerSecond > 0 ? StepGrid.rateHeader(stepsPerSecond) : null;
    this.previousFrames = backbone.usesPreviousFrame() ? previousFrames(backbone) : null;
  }

  /** Remembered frames no smaller than 4x the backbone's input, within the default bounds. */
  private static PreviousFrames previousFrames(Backbone backbone) {
    Dimension input = backbone.inputSize();
    long perFrame = PreviousFrames.DEFAULT_MAX_FRAME_PIXELS;
    if (input != null) {
      perFrame = Math.max(perFrame, 4L * input.width * input.height);
    }
    return new PreviousFrames(
        PreviousFrames.DEFAULT_MAX_CAMERAS,
        perFrame,
        Math.max(perFrame, PreviousFrames.DEFAULT_MAX_TOTAL_PIXELS));
  }

  /** Where a frame record came from. */
  record Source(String topic, int partition, long offset) {
    static Source of(ConsumerRecord<?, ?> record) {
      return new Source(record.topic(), record.partition(), record.offset());
    }
  }

  /**
   * The outcome of one batch; {@code reasons} holds the reason of each dead letter, in order;
   * {@code sources} the frame record each output record was made for.
   */
  record Output(
      List<ProducerRecord<String, byte[]>> records,
      int embeddings,
      List<Reason> reasons,
      List<ConsumerRecord<String, byte[]>> sources,
      int skipped) {
    Output(
        List<ProducerRecord<String, byte[]>> records,
        int embeddings,
        List<Reason> reasons,
        List<ConsumerRecord<String, byte[]>> sources) {
      this(records, embeddings, reasons, sources, 0);
    }
  }

  /**
   * How many pixels {@code record}'s frame will be decoded to, from the size its headers announce
   * (0 when they announce none: such a frame is refused before decoding).
   */
  long decodedPixels(ConsumerRecord<String, byte[]> record) {
    return decoder.decodedPixels(record.value(), record.headers());
  }

  /**
   * The capture time of a frame record: its {@link FrameHeaders#CAPTURE_TIME} header when present,
   * else its timestamp; -1 when it has neither or the header is not a number.
   */
  static long captureTime(ConsumerRecord<String, byte[]> record) {
    try {
      Long header = FrameHeaders.getOptionalLong(record.headers(), FrameHeaders.CAPTURE_TIME);
      return header != null ? header : record.timestamp();
    } catch (ContractException e) {
      return -1;
    }
  }

  /**
   * The first offset of {@code record}'s partition from which this embedder has seen every record
   * up to {@code record} (consecutive offsets; a rewind, a skip or a gap starts anew).
   */
  private long contiguousFrom(ConsumerRecord<String, byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    long[] run = runs.get(partition);
    if (run == null || record.offset() != run[1] + 1) {
      run = new long[] {record.offset(), record.offset()};
      runs.put(partition, run);
    } else {
      run[1] = record.offset();
    }
    return run[0];
  }

  Output process(List<ConsumerRecord<String, byte[]>> batch) {
    return process(batch, Set.of());
  }

  /**
   * Embeds {@code batch}; the records in {@code stubbed} (an output of theirs was refused as too
   * large before) get a small stub dead letter instead of their output.
   */
  Output process(List<ConsumerRecord<String, byte[]>> batch, Set<Source> stubbed) {
    int n = batch.size();
    FrameInput[] images = new FrameInput[n];
    long[] sequences = new long[n];
    long[] captureTimes = new long[n];
    BadFrameException[] failures = new BadFrameException[n];
    List<Integer> good = new ArrayList<>(n);
    Formed[] forms = new Formed[n];
    boolean[] skipped = new boolean[n];
    // the steps this batch forms so far, over those of earlier batches
    Map<String, Formed> planned = stepsPerSecond > 0 ? new HashMap<>() : null;
    for (int i = 0; i < n; i++) {
      ConsumerRecord<String, byte[]> record = batch.get(i);
      long start = System.nanoTime();
      long contiguousFrom = contiguousFrom(record);
      try {
        captureTimes[i] = checkEnvelope(record);
        BufferedImage image = decoder.decode(record.value(), record.headers());
        // decode checked the header when present; without it, the offset numbers the frame
        Long sequence = FrameHeaders.getOptionalLong(record.headers(), FrameHeaders.SEQUENCE);
        sequences[i] = sequence != null ? sequence : record.offset();
        if (previousFrames == null) {
          images[i] = FrameInput.of(image);
        } else if (sequence != null) {
          images[i] = previousFrames.next(record.key(), sequences[i], image);
        } else {
          images[i] =
              previousFrames.next(
                  record.key(), record.partition(), record.offset(), contiguousFrom, image);
        }
        if (planned != null) {
          long step = StepGrid.stepOf(captureTimes[i], stepsPerSecond);
          Formed before = planned.getOrDefault(record.key(), formed.get(record.key()));
          if (before != null
              && before.covers(
                  record.partition(), record.offset(), sequences[i], captureTimes[i], step)) {
            skipped[i] = true;
            metrics.decoded(System.nanoTime() - start);
            continue;
          }
          forms[i] =
              new Formed(record.partition(), record.offset(), sequences[i], captureTimes[i], step);
          planned.put(record.key(), forms[i]);
        }
        good.add(i);
      } catch (BadFrameException | ContractException e) {
        failures[i] =
            e instanceof BadFrameException bad
                ? bad
                : new BadFrameException(Reason.BAD_HEADER, e.getMessage(), e);
        if (previousFrames != null && record.key() != null) {
          // the camera's next frame must not be paired across this one
          previousFrames.forget(record.key());
        }
      }
      metrics.decoded(System.nanoTime() - start);
    }
    float[][] vectors = embed(images, good, failures);
    if (planned != null) {
      rescue(batch, images, vectors, failures, forms, skipped, sequences, captureTimes, stubbed);
    }

    List<ProducerRecord<String, byte[]>> out = new ArrayList<>(n);
    List<ConsumerRecord<String, byte[]>> sources = new ArrayList<>(n);
    List<Reason> reasons = new ArrayList<>();
    int embeddings = 0;
    int skips = 0;
    for (int i = 0; i < n; i++) {
      ConsumerRecord<String, byte[]> record = batch.get(i);
      if (skipped[i]) {
        skips++;
        continue; // no output: its offset is committed with the batch
      }
      sources.add(record);
      if (!stubbed.isEmpty() && stubbed.contains(Source.of(record))) {
        BadFrameException tooLarge =
            failures[i] != null
                ? failures[i]
                : new BadFrameException(
                    Reason.TOO_LARGE, "the broker refused this frame's embedding as too large");
        LOG.warn(
            "dead-lettering {}-{}@{} (camera {}) as a stub, its output was refused as too large: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            CameraIds.printable(record.key()),
            tooLarge.getMessage());
        out.add(DeadLetters.stub(deadLetterTopic, record, tooLarge));
        reasons.add(tooLarge.reason());
        continue;
      }
      if (failures[i] == null) {
        try {
          Embedding embedding =
              new Embedding(sequences[i], captureTimes[i], backbone.id(), vectors[i]);
          ProducerRecord<String, byte[]> produced =
              new ProducerRecord<>(
                  embeddingsTopic,
                  null,
                  captureTimes[i],
                  record.key(),
                  serde.serialize(embeddingsTopic, embedding));
          if (rateHeader != null) {
            // the detector checks it skipped frames on its own grid
            produced.headers().add(rateHeader);
          }
          out.add(produced);
          embeddings++;
          if (forms[i] != null) {
            formed.put(record.key(), forms[i]);
          }
          continue;
        } catch (ContractException e) {
          failures[i] = new BadFrameException(Reason.EMBEDDING_FAILED, e.getMessage(), e);
        }
      }
      LOG.warn(
          "dead-lettering {}-{}@{} (camera {}): {}",
          record.topic(),
          record.partition(),
          record.offset(),
          CameraIds.printable(record.key()),
          DeadLetters.cut(failures[i].getMessage(), 300));
      out.add(DeadLetters.of(deadLetterTopic, record, failures[i], maxRecordBytes));
      reasons.add(failures[i].reason());
    }
    return new Output(out, embeddings, reasons, sources, skips);
  }

  /**
   * Embeds, after all, the first skipped frame of each step whose forming frame in this batch got
   * no embedding (the backbone failed on it, or its output is stubbed): the step must not be left
   * without a frame. Later skipped frames of that step stay skipped once one of them embeds.
   */
  private void rescue(
      List<ConsumerRecord<String, byte[]>> batch,
      FrameInput[] images,
      float[][] vectors,
      BadFrameException[] failures,
      Formed[] forms,
      boolean[] skipped,
      long[] sequences,
      long[] captureTimes,
      Set<Source> stubbed) {
    Map<String, Formed> lost = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      ConsumerRecord<String, byte[]> record = batch.get(i);
      boolean noOutput =
          failures[i] != null || (!stubbed.isEmpty() && stubbed.contains(Source.of(record)));
      if (forms[i] != null && noOutput) {
        lost.put(record.key(), forms[i]);
      } else if (skipped[i] && lost.containsKey(record.key())) {
        Formed gone = lost.get(record.key());
        if (gone.step() != StepGrid.stepOf(captureTimes[i], stepsPerSecond)) {
          continue;
        }
        skipped[i] = false;
        lost.remove(record.key());
        vectors[i] = embed(images, List.of(i), failures)[i];
        if (failures[i] == null) {
          forms[i] =
              new Formed(
                  record.partition(), record.offset(), sequences[i], captureTimes[i], gone.step());
        } else {
          lost.put(record.key(), gone);
        }
      }
    }
  }

  /** Checks the key and the capture time; returns the capture time. */
  private long checkEnvelope(ConsumerRecord<String, byte[]> record) throws BadFrameException {
    if (record.key() == null || record.key().isEmpty()) {
      throw new BadFrameException(Reason.MISSING_KEY, "record has no camera id key");
    }
    String badId = CameraIds.violation(record.key());
    if (badId != null) {
      throw new BadFrameException(Reason.BAD_CAMERA_ID, badId);
    }
    Long header;
    try {
      header = FrameHeaders.getOptionalLong(record.headers(), FrameHeaders.CAPTURE_TIME);
    } catch (ContractException e) {
      throw new BadFrameException(Reason.BAD_HEADER, e.getMessage(), e);
    }
    if (header == null && record.timestamp() < 0) {
      throw new BadFrameException(Reason.BAD_HEADER, "record has no capture timestamp");
    }
    long captureMs = header != null ? header : record.timestamp();
    String badTime = CaptureTimes.violation(captureMs, clock.millis(), maxCaptureAheadMs);
    if (badTime != null) {
      throw new BadFrameException(Reason.BAD_CAPTURE_TIME, badTime);
    }
    return captureMs;
  }

  /** Embeds the images at {@code good}; fills {@code failures} for those that cannot be. */
  private float[][] embed(FrameInput[] images, List<Integer> good, BadFrameException[] failures) {
    float[][] vectors = new float[images.length][];
    if (good.isEmpty()) {
      return vectors;
    }
    List<FrameInput> batch = new ArrayList<>(good.size());
    for (int i : good) {
      batch.add(images[i]);
    }
    long start = System.nanoTime();
    try {
      float[][] rows = checked(backbone.embedFrames(batch), batch.size());
      metrics.inferred(batch.size(), System.nanoTime() - start);
      for (int k = 0; k < rows.length; k++) {
        vectors[good.get(k)] = rows[k];
      }
      return vectors;
    } catch (RuntimeException e) {
      LOG.warn("backbone failed on a batch of {}, retrying frame by frame", batch.size(), e);
    }
    for (int i : good) {
      start = System.nanoTime();
      try {
        vectors[i] = checked(backbone.embedFrames(List.of(images[i])), 1)[0];
        metrics.inferred(1, System.nanoTime() - start);
      } catch (RuntimeException e) {
        failures[i] =
            new BadFrameException(Reason.EMBEDDING_FAILED, "backbone failed: " + e.getMessage(), e);
      }
    }
    return vectors;
  }

  private float[][] checked(float[][] rows, int expected) {
    if (rows == null || rows.length != expected) {
      throw new IllegalStateException(
          "backbone returned "
              + (rows == null ? "null" : rows.length + " rows")
              + " for "
              + expected
              + " images");
    }
    for (float[] row : rows) {
      if (row == null || row.length != backbone.dimension()) {
        throw new IllegalStateException(
            "backbone returned a row of length "
                + (row == null ? "null" : row.length)
                + ", expected "
                + backbone.dimension());
      }
    }
    return rows;
  }

  @Override
  public void close() {
    decoder.close();
  }
}
