package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.service.EmbeddedKafka;
import io.oad.service.MetricsServer;
import io.oad.service.PollTracker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /readyz} of a consumer role turns 200 once its consumer joined the group on a real broker.
 */
class ConsumerReadinessIT {
  @TempDir Path dir;

  @Test
  void shouldTurnReadyWhenTheConsumerGetsItsPartitions() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    PollTracker tracker = new PollTracker(Duration.ofSeconds(30));
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), 0).start();
        MetricsServer server =
            MetricsServer.start(new PrometheusRegistry(), "127.0.0.1", 0, tracker)) {
      kafka.createTopics(2, List.of("oad.frames"));
      URI readyz = URI.create("http://127.0.0.1:" + server.port() + "/readyz");
      Map<String, Object> props =
          Map.of(
              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
              kafka.bootstrapServers(),
              ConsumerConfig.GROUP_ID_CONFIG,
              "readiness-test",
              ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
              StringDeserializer.class,
              ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
              ByteArrayDeserializer.class);
      try (Consumer<String, byte[]> consumer = tracker.track(new KafkaConsumer<>(props))) {
        assertEquals(503, status(http, readyz), "not ready before the first poll");
        consumer.subscribe(List.of("oad.frames"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!tracker.ready() && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200));
        }
        assertTrue(tracker.ready(), "no assignment within 30 s");
        assertEquals(2, consumer.assignment().size());
        assertEquals(200, status(http, readyz));
      }
    }
  }

  private static int status(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
