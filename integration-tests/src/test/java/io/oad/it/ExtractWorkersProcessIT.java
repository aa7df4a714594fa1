package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.StepGrid;
import io.oad.contract.Topics;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.oad.service.EmbeddedKafka;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oad extract --workers 2 --steps-per-second 4} as its own process, exactly-once: 25 fps
 * cameras of real video get, read committed, exactly one embedding per 250 ms grid step, from the
 * first frame of the step; both workers are transactional producers ({@code ID} and {@code ID-w1});
 * the skipped frames are counted on {@code /metrics}; SIGTERM stops both workers.
 */
@Tag("integration")
class ExtractWorkersProcessIT {
  private static final int PARTITIONS = TopologyScaleOutIT.PARTITIONS;
  // not on the 250 ms grid, so that the first step of each camera holds fewer frames
  private static final long T0 = 1_700_000_000_137L;
  private static final long FRAME_MS = 40;
  private static final double STEPS_PER_SECOND = 4.0;

  @TempDir Path tmp;

  @Test
  void shouldEmbedTheFirstFrameOfEveryStepWithTwoWorkersInOneProcess() throws Exception {
    List<String> cameras = TopologyScaleOutIT.cameras(PARTITIONS, 4);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(PARTITIONS, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      RoleProcess extract =
          RoleProcess.start(
              tmp,
              "extract",
              List.of(
                  "extract",
                  "--bootstrap",
                  bootstrap,
                  "--workers",
                  "2",
                  "--steps-per-second",
                  "4",
                  "--transactional-id",
                  "oad-wx",
                  "--metrics-port",
                  Integer.toString(port)),
              Map.of());
      try {
        Map<String, Long> published = new TreeMap<>();
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
          for (String camera : cameras) {
            IngestOptions options =
                IngestOptions.builder()
                    .setCameraId(camera)
                    .addSource(clip().toString())
                    .optTargetFps(1000.0 / FRAME_MS)
                    .optStartTimeMs(T0)
                    .build();
            IngestResult result = new VideoIngestor(options).run(producer);
            published.put(camera, result.framesPublished());
          }
          producer.flush();
        }
        // the frames of each camera are captured at T0 + 40 ms * i: the first of each grid step
        Map<String, Set<Long>> expected = new TreeMap<>();
        long total = 0;
        for (var e : published.entrySet()) {
          Set<Long> firsts = new TreeSet<>();
          long lastStep = Long.MIN_VALUE;
          for (long i = 0; i < e.getValue(); i++) {
            long t = T0 + FRAME_MS * i;
            long step = StepGrid.stepOf(t, STEPS_PER_SECOND);
            if (step != lastStep) {
              firsts.add(t);
              lastStep = step;
            }
          }
          expected.put(e.getKey(), firsts);
          total += firsts.size();
        }
        long frames = published.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(total * 5 < frames, total + " steps for " + frames + " frames");

        long wanted = total;
        Map<String, List<Embedding>> embeddings =
            StreamChecks.embeddings(
                CommittedRecords.read(
                    bootstrap,
                    Topics.EMBEDDINGS,
                    got -> got.size() >= wanted,
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(120)));
        String log = "\nextract log:\n" + extract.logTail(3000);
        for (String camera : cameras) {
          List<Long> got =
              embeddings.getOrDefault(camera, List.of()).stream()
                  .map(Embedding::captureTimeMs)
                  .toList();
          assertEquals(
              List.copyOf(expected.get(camera)),
              got,
              camera + ": one embedding per step, its first frame, in order" + log);
        }

        try (Admin admin =
            Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
          Set<String> ids =
              admin.listTransactions().all().get().stream()
                  .map(TransactionListing::transactionalId)
                  .collect(Collectors.toCollection(TreeSet::new));
          assertEquals(Set.of("oad-wx", "oad-wx-w1"), ids, "one transactional producer per worker");
        }

        String metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertEquals(frames - total, counter(metrics, "oad_extractor_frames_skipped_total"), log);
        assertEquals(total, counter(metrics, "oad_extractor_embeddings_produced_total"), log);

        assertEquals(143, extract.terminate(30), "SIGTERM: a graceful stop" + log);
        String tail = extract.logTail(20_000);
        assertEquals(
            2,
            Pattern.compile("extractor stopped").matcher(tail).results().count(),
            "both workers stopped\n" + tail);
      } finally {
        extract.kill();
      }
    }
  }

  private static Path clip() {
    return EndToEndIT.weizmann().resolve("videos/walk/daria_walk.avi");
  }

  private static long counter(String exposition, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+]+)$").matcher(exposition);
    assertTrue(m.find(), name + " in\n" + exposition);
    return (long) Double.parseDouble(m.group(1));
  }
}
