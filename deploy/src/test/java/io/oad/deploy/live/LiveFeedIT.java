package io.oad.deploy.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.JsonSerde;
import io.oad.contract.Topics;
import io.oad.service.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view's own reader ({@code oad detect} has no other): committed predictions and events on
 * a real broker reach the hub, records written before it started are read back, an aborted
 * transaction and an undecodable record are not shown.
 */
@Tag("integration")
class LiveFeedIT {
  @TempDir Path tmp;

  @Test
  void shouldFeedTheHubWithCommittedPredictionsAndEventsOnly() throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(2, Topics.all());
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "live-feed-it");
      JsonSerde<io.oad.contract.Prediction> predictions = JsonSerde.predictions();
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
        producer.initTransactions();
        // before the feed starts: read back from shortly before the end
        producer.beginTransaction();
        for (int i = 0; i < 5; i++) {
          producer.send(record(predictions, "cam-a", i));
        }
        producer.commitTransaction();

        LiveHub hub = new LiveHub(LiveHub.Options.defaults(0.25));
        try (LiveFeed feed = LiveFeed.start(Map.of(), kafka.bootstrapServers(), hub)) {
          awaitHistory(hub, "cam-a", 5);

          producer.beginTransaction();
          producer.send(record(predictions, "cam-b", 0));
          producer.abortTransaction();

          producer.beginTransaction();
          producer.send(
              new ProducerRecord<>(
                  Topics.PREDICTIONS, "cam-c", "not json".getBytes(StandardCharsets.UTF_8)));
          producer.send(record(predictions, "cam-a", 5));
          producer.send(
              new ProducerRecord<>(
                  Topics.EVENTS,
                  "cam-a",
                  JsonSerde.events()
                      .serialize(
                          Topics.EVENTS,
                          new ActionEvent(
                              "cam-a", ActionEvent.Type.ACTION_STARTED, "walk", 1000, -1, 0.9))));
          producer.commitTransaction();

          awaitHistory(hub, "cam-a", 6);
          LiveHub.Viewer v = hub.connect();
          List<String> frames = new ArrayList<>();
          List<String> got;
          while ((got = v.next(Duration.ofMillis(100), 100)) != null && !got.isEmpty()) {
            frames.addAll(got);
          }
          assertEquals(List.of("cam-a"), hub.cameras(), "aborted and undecodable records unseen");
          assertTrue(
              frames.stream().anyMatch(f -> f.startsWith("event: event\n")),
              "the event: " + frames);
          long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          while (feed.skipped() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
          }
          assertEquals(1, feed.skipped(), "the undecodable record is counted");
        }
      }
    }
  }

  private static ProducerRecord<String, byte[]> record(
      JsonSerde<io.oad.contract.Prediction> serde, String camera, long step) {
    io.oad.contract.Prediction pr = LiveHubTest.prediction(camera, step, 1000 + step * 250, "walk");
    return new ProducerRecord<>(
        Topics.PREDICTIONS, camera, serde.serialize(Topics.PREDICTIONS, pr));
  }

  private static void awaitHistory(LiveHub hub, String camera, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (hub.historySize(camera) < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            camera + ": " + hub.historySize(camera) + " predictions in the hub, expected " + n);
      }
      Thread.sleep(50);
    }
  }
}
