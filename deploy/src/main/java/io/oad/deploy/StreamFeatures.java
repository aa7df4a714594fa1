package io.oad.deploy;

import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import io.oad.detector.data.LabeledSequence;
import io.oad.extractor.Backbone;
import io.oad.extractor.BadFrameException;
import io.oad.extractor.FrameDecoder;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.VideoIngestor;
import io.oad.ingest.compose.ComposedStream;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Turns a composed stream into the step embeddings the running service would compute for it: the
 * same ingest (sampling by capture time, resize, JPEG) into an in-memory producer, the same frame
 * decoder and the same backbone, so that models trained and evaluated offline see exactly what the
 * pipeline feeds them. Each step is labelled with the label of the video frame it was sampled from.
 */
final class StreamFeatures {
  private static final int BATCH = 32;

  private StreamFeatures() {}

  static LabeledSequence embed(ComposedStream stream, Backbone backbone, double stepsPerSecond) {
    long start =
        1_000_000_000_000L; // fixed capture clock, so frame times map back to frame indices exactly
    IngestOptions options =
        IngestOptions.builder()
            .setCameraId(stream.subject())
            .addSource(stream.video().toString())
            .optTargetFps(stepsPerSecond)
            .optStartTimeMs(start)
            .build();
    // an in-memory producer that keeps what ingest would publish to Kafka
    MockProducer<String, byte[]> sink =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    new VideoIngestor(options).run(sink);
    List<ProducerRecord<String, byte[]>> records = sink.history();
    float[][] features = new float[records.size()][];
    int[] labels = new int[records.size()];
    List<BufferedImage> batch = new ArrayList<>();
    int batchStart = 0;
    try (FrameDecoder decoder = new FrameDecoder()) {
      for (int i = 0; i < records.size(); i++) {
        ProducerRecord<String, byte[]> r = records.get(i);
        if (!Topics.FRAMES.equals(r.topic())
            || FrameHeaders.getLong(r.headers(), FrameHeaders.SEQUENCE) != i) {
          throw new IllegalStateException(
              "unexpected record " + i + " from ingest of " + stream.video());
        }
        int frame = (int) Math.round((r.timestamp() - start) / 1000.0 * stream.fps());
        labels[i] = stream.labelAt(Math.min(frame, stream.frames() - 1));
        batch.add(decoder.decode(r.value(), r.headers()));
        if (batch.size() == BATCH || i == records.size() - 1) {
          float[][] out = backbone.embed(batch);
          System.arraycopy(out, 0, features, batchStart, out.length);
          batchStart = i + 1;
          batch.clear();
        }
      }
    } catch (BadFrameException e) {
      throw new IllegalStateException(
          "ingest produced a frame the extractor refuses: " + e.getMessage(), e);
    }
    return new LabeledSequence(stream.video().getFileName().toString(), features, labels);
  }
}
