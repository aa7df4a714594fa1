package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.deploy.MetricsText;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Models;
import io.oad.service.Pipeline;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real video through a real (in-process) broker and every stage: ingest, extractor, topology with
 * OadTR.
 */
@Tag("integration")
class EndToEndIT {
  @TempDir Path tmp;

  static Path weizmann() {
    Path dir = Path.of(System.getProperty("oad.shared", "../shared")).resolve("data/weizmann");
    assertTrue(
        Files.isDirectory(dir), "Weizmann clips not found at " + dir + " (set -Doad.shared=DIR)");
    return dir;
  }

  @Test
  void shouldPublishOnePredictionPerSampledFrameInOrderForTwoCameras() throws Exception {
    Path clips = weizmann();
    Map<String, List<String>> cameras = new TreeMap<>();
    // cam-a runs past the window length so that the cold-start flag flips; cam-b
    // stays cold
    List<String> daria = new ArrayList<>();
    for (String a :
        List.of("walk", "wave1", "run", "bend", "jack", "skip", "side", "pjump", "jump", "wave2")) {
      daria.add(clips.resolve("videos/" + a + "/daria_" + a + ".avi").toString());
    }
    cameras.put("cam-a", daria);
    cameras.put("cam-b", List.of(clips.resolve("videos/jack/denis_jack.avi").toString()));

    PrometheusRegistry registry = new PrometheusRegistry();
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      PooledPixelBackbone backbone = new PooledPixelBackbone();
      try (Pipeline pipeline =
          new Pipeline(
              kafka.bootstrapServers(),
              tmp.resolve("streams"),
              backbone,
              Models.detector(null, backbone.dimension()),
              registry)) {
        pipeline.awaitRunning(Duration.ofSeconds(60));
        Map<String, Long> published = ingest(kafka.bootstrapServers(), cameras);
        long expected = published.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(
            published.get("cam-a") > 64 && published.get("cam-b") > 5, "published " + published);

        Map<String, List<Prediction>> got =
            readPredictions(kafka.bootstrapServers(), expected, Duration.ofSeconds(120));
        for (String cam : cameras.keySet()) {
          List<Prediction> ps = got.getOrDefault(cam, List.of());
          assertEquals(published.get(cam), (long) ps.size(), "predictions of " + cam);
          for (int i = 0; i < ps.size(); i++) {
            Prediction p = ps.get(i);
            assertEquals(i, p.sequence(), cam + " sequence at " + i);
            assertEquals(i, p.step(), cam + " step at " + i);
            assertEquals(pipeline.model().classNames().size(), p.scores().size());
            assertEquals(pipeline.model().config().futureSteps(), p.future().size());
            assertEquals(
                i >= pipeline.model().config().window() - 1, p.warm(), cam + " warm flag at " + i);
            double sum = p.scores().values().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, sum, 1e-3, "class probabilities sum to 1");
            if (i > 0) {
              assertTrue(
                  p.captureTimeMs() > ps.get(i - 1).captureTimeMs(), "capture time increases");
            }
          }
        }
        String exposition = MetricsText.scrape(registry);
        assertTrue(
            exposition.contains("oad_detector_predictions_total"), "detector metrics exported");
        assertTrue(
            exposition.contains("oad_extractor_embeddings_produced_total"),
            "extractor metrics exported");
      }
    }
  }

  static Map<String, Long> ingest(String bootstrap, Map<String, List<String>> cameras)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(cameras.size());
    Map<String, Long> published = new TreeMap<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
      List<Future<IngestResult>> fs = new ArrayList<>();
      for (var e : cameras.entrySet()) {
        IngestOptions o =
            IngestOptions.builder()
                .setCameraId(e.getKey())
                .setSources(e.getValue())
                .optTargetFps(4)
                .build();
        fs.add(pool.submit(() -> new VideoIngestor(o).run(producer)));
      }
      for (Future<IngestResult> f : fs) {
        IngestResult r = f.get();
        published.put(r.cameraId(), r.framesPublished());
      }
      producer.flush();
    } finally {
      pool.shutdownNow();
    }
    return published;
  }

  static Map<String, List<Prediction>> readPredictions(
      String bootstrap, long expected, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, List<Prediction>> got = new TreeMap<>();
    JsonSerde<Prediction> serde = JsonSerde.predictions();
    long n = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topics.PREDICTIONS));
      // read until the expected count, then a little longer to catch duplicates
      long extraUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, extraUntil)) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          Prediction pr = serde.deserialize(r.topic(), r.value());
          assertEquals(r.key(), pr.camera(), "record key is the camera");
          got.computeIfAbsent(pr.camera(), k -> new ArrayList<>()).add(pr);
          n++;
        }
        if (n >= expected && extraUntil == Long.MAX_VALUE) {
          extraUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    return got;
  }
}
