package io.oad.extractor;

import io.oad.contract.ContractException;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.extractor.BadFrameException.Reason;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * sequence numbers are consecutive), across batches.
 */
final class BatchEmbedder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchEmbedder.class);

  private final Backbone backbone;
  private final ExtractorMetrics metrics;
  private final String embeddingsTopic;
  private final String deadLetterTopic;
  private final FrameDecoder decoder = new FrameDecoder();
  private final EmbeddingSerde serde = new EmbeddingSerde();
  private final PreviousFrames previousFrames;

  BatchEmbedder(
      Backbone backbone, ExtractorMetrics metrics, String embeddingsTopic, String deadLetterTopic) {
    this.backbone = backbone;
    this.metrics = metrics;
    this.embeddingsTopic = embeddingsTopic;
    this.deadLetterTopic = deadLetterTopic;
    this.previousFrames = backbone.usesPreviousFrame() ? new PreviousFrames() : null;
  }

  /** The outcome of one batch; {@code reasons} holds the reason of each dead letter, in order. */
  record Output(
      List<ProducerRecord<String, byte[]>> records, int embeddings, List<Reason> reasons) {}

  Output process(List<ConsumerRecord<String, byte[]>> batch) {
    int n = batch.size();
    FrameInput[] images = new FrameInput[n];
    long[] sequences = new long[n];
    BadFrameException[] failures = new BadFrameException[n];
    List<Integer> good = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ConsumerRecord<String, byte[]> record = batch.get(i);
      long start = System.nanoTime();
      try {
        checkEnvelope(record);
        BufferedImage image = decoder.decode(record.value(), record.headers());
        sequences[i] = FrameDecoder.sequence(record.headers());
        images[i] =
            previousFrames == null
                ? FrameInput.of(image)
                : previousFrames.next(record.key(), sequences[i], image);
        good.add(i);
      } catch (BadFrameException e) {
        failures[i] = e;
      }
      metrics.decoded(System.nanoTime() - start);
    }
    float[][] vectors = embed(images, good, failures);

    List<ProducerRecord<String, byte[]>> out = new ArrayList<>(n);
    List<Reason> reasons = new ArrayList<>();
    int embeddings = 0;
    for (int i = 0; i < n; i++) {
      ConsumerRecord<String, byte[]> record = batch.get(i);
      if (failures[i] == null) {
        try {
          Embedding embedding =
              new Embedding(sequences[i], record.timestamp(), backbone.id(), vectors[i]);
          out.add(
              new ProducerRecord<>(
                  embeddingsTopic,
                  null,
                  record.timestamp(),
                  record.key(),
                  serde.serialize(embeddingsTopic, embedding)));
          embeddings++;
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
          record.key(),
          failures[i].getMessage());
      out.add(DeadLetters.of(deadLetterTopic, record, failures[i]));
      reasons.add(failures[i].reason());
    }
    return new Output(out, embeddings, reasons);
  }

  private static void checkEnvelope(ConsumerRecord<String, byte[]> record)
      throws BadFrameException {
    if (record.key() == null || record.key().isEmpty()) {
      throw new BadFrameException(Reason.MISSING_KEY, "record has no camera id key");
    }
    if (record.timestamp() < 0) {
      throw new BadFrameException(Reason.BAD_HEADER, "record has no capture timestamp");
    }
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
