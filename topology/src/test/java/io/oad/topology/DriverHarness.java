package io.oad.topology;

import io.oad.contract.ActionEvent;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The whole topology on a {@link TopologyTestDriver}, with typed topics and private metrics. Unless
 * the config sets {@link DetectConfig#DETECT_BATCH_MAX_CONFIG}, batching is off, so that a
 * prediction is out as soon as its frame was piped (batching has its own tests).
 */
final class DriverHarness implements AutoCloseable {
  final DetectorMetrics metrics = new DetectorMetrics();
  final TopologyTestDriver driver;
  final TestInputTopic<String, Embedding> embeddings;
  final TestOutputTopic<String, Prediction> predictions;
  final TestOutputTopic<String, ActionEvent> events;

  DriverHarness(DetectConfig config, Supplier<? extends StepModel> models, Instant wallClock) {
    config = unbatchedUnlessSet(config);
    driver =
        new TopologyTestDriver(
            DetectorTopology.build(config, models, metrics),
            DetectorApp.streamsProperties(config, metrics),
            wallClock);
    embeddings =
        driver.createInputTopic(Topics.EMBEDDINGS, new StringSerializer(), new EmbeddingSerde());
    predictions =
        driver.createOutputTopic(
            Topics.PREDICTIONS, new StringDeserializer(), JsonSerde.predictions());
    events = driver.createOutputTopic(Topics.EVENTS, new StringDeserializer(), JsonSerde.events());
  }

  /** {@code config} with batching off, unless it sets the batch size itself. */
  static DetectConfig unbatchedUnlessSet(DetectConfig config) {
    if (config.originals().containsKey(DetectConfig.DETECT_BATCH_MAX_CONFIG)) {
      return config;
    }
    return DetectConfig.builder()
        .properties(config.originals())
        .property(DetectConfig.DETECT_BATCH_MAX_CONFIG, 1)
        .build();
  }

  void send(String camera, Embedding e) {
    embeddings.pipeInput(camera, e, e.captureTimeMs());
  }

  /** Sends {@code e} with these record headers. */
  void send(String camera, Embedding e, org.apache.kafka.common.header.Headers headers) {
    embeddings.pipeInput(
        new org.apache.kafka.streams.test.TestRecord<>(
            camera, e, headers, java.time.Instant.ofEpochMilli(e.captureTimeMs())));
  }

  void advanceWallClock(long ms) {
    driver.advanceWallClockTime(Duration.ofMillis(ms));
  }

  List<Prediction> predictionsOf(String camera) {
    return predictions.readKeyValuesToList().stream()
        .filter(kv -> kv.key.equals(camera))
        .map(kv -> kv.value)
        .toList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
