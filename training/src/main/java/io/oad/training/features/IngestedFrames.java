package io.oad.training.features;

import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import io.oad.datasets.compose.ComposedStream;
import io.oad.extractor.BadFrameException;
import io.oad.extractor.FrameDecoder;
import io.oad.extractor.FrameInput;
import io.oad.extractor.PreviousFrames;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.VideoIngestor;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The frames the running service would embed for a composed stream, with their labels: the same
 * ingest (sampling by capture time, resize, JPEG) into an in-memory producer, the same {@link
 * FrameDecoder}, and each frame paired with its camera's previous frame by the service's own {@link
 * PreviousFrames} rule. Offline training and evaluation use this so that they see exactly what the
 * pipeline feeds the backbone.
 */
public final class IngestedFrames {
  /**
   * One model step.
   *
   * @param index step number (= the frame's sequence number)
   * @param frame the decoded frame and the camera's previous one
   * @param label the label of the video frame the step was sampled from
   */
  public record Step(int index, FrameInput frame, int label) {}

  // fixed capture clock, so frame times map back to frame indices exactly
  private static final long START_MS = 1_000_000_000_000L;

  private IngestedFrames() {}

  /** The frame records ingest publishes for {@code stream}, camera id = the stream's subject. */
  public static List<ProducerRecord<String, byte[]>> ingest(
      ComposedStream stream, double stepsPerSecond) {
    IngestOptions options =
        IngestOptions.builder()
            .setCameraId(stream.subject())
            .addSource(stream.video().toString())
            .optTargetFps(stepsPerSecond)
            .optStartTimeMs(START_MS)
            .build();
    // an in-memory producer that keeps what ingest would publish to Kafka
    MockProducer<String, byte[]> sink =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    new VideoIngestor(options).run(sink);
    return sink.history();
  }

  /** Runs {@code stream} through ingest and the decoder, giving each step to {@code action}. */
  public static void forEach(ComposedStream stream, double stepsPerSecond, Consumer<Step> action) {
    List<ProducerRecord<String, byte[]>> records = ingest(stream, stepsPerSecond);
    PreviousFrames previous = new PreviousFrames();
    try (FrameDecoder decoder = new FrameDecoder()) {
      for (int i = 0; i < records.size(); i++) {
        ProducerRecord<String, byte[]> r = records.get(i);
        long sequence = FrameHeaders.getLong(r.headers(), FrameHeaders.SEQUENCE);
        if (!Topics.FRAMES.equals(r.topic()) || sequence != i) {
          throw new IllegalStateException(
              "unexpected record " + i + " from ingest of " + stream.video());
        }
        int frame = (int) Math.round((r.timestamp() - START_MS) / 1000.0 * stream.fps());
        int label = stream.labelAt(Math.min(frame, stream.frames() - 1));
        FrameInput input = previous.next(r.key(), sequence, decoder.decode(r.value(), r.headers()));
        action.accept(new Step(i, input, label));
      }
    } catch (BadFrameException e) {
      throw new IllegalStateException(
          "ingest produced a frame the extractor refuses: " + e.getMessage(), e);
    }
  }
}
