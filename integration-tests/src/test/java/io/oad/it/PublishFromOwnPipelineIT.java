package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.FrameHeaders;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.oad.service.Backbones;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Models;
import io.oad.service.Pipeline;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Frames from publishers no one here wrote, key only (no headers), get the predictions our own
 * ingest gets for the same video. The commands are the files under {@code deploy/ops/examples} that
 * the README's "Publish from your own pipeline" section shows, run as they are, on ten 25 fps
 * Weizmann clips of daria back to back (28 s), every 5th frame (5 fps, what {@code oad ingest --fps
 * 5} keeps), paced at 5 frames per second of wall-clock time:
 *
 * <ul>
 *   <li>{@code cam-kcat}: {@code jpegs_from_video.sh} (FFmpeg to JPEG files), then {@code
 *       publish_jpegs_kcat.sh}: Debian's kcat, one process and message per file, key and the
 *       optional capture-time header (the file's due time) only: kcat cannot set the record
 *       timestamp;
 *   <li>{@code cam-python}: {@code publish_jpegs.py}, Debian's python3-confluent-kafka
 *       (librdkafka), the same files; record timestamp = the frame's due time;
 *   <li>{@code cam-ffmpeg}: {@code publish_video_ffmpeg_kcat.sh}, {@code ffmpeg -re ... -f
 *       image2pipe -c:v mjpeg - | kcat -D '\xff\xd9'}; record timestamp = kcat's sending time;
 *   <li>{@code cam-ingest}: {@code oad ingest} ({@link VideoIngestor}) of the same clips at 5 fps,
 *       paced, with its headers: the reference.
 * </ul>
 *
 * <p>All four run at once through the shipped backbone and detector. The detector predicts one step
 * per 250 ms of capture time on the epoch-fixed step grid, numbered from the camera's first frame,
 * on the step's first frame. Each publisher starts at its own moment, so its frames sit at their
 * own phase of the grid: step k of every camera covers the same quarter second of the clips to
 * within one step, and which of the 5 fps frames forms a step differs with the phase. A step
 * therefore agrees when its top action is the ingest camera's at that step or a neighbouring one; a
 * step left without a frame counts as a disagreement. The top action must agree on at least 95% of
 * the ingest camera's steps (those of the frames both sample: FFmpeg's last frame may be one
 * fewer), and on 90% for cam-ffmpeg, whose capture times are kcat's sending times (a frame 50 ms
 * late or early can land in another step).
 */
@Tag("integration")
class PublishFromOwnPipelineIT {
  private static final List<String> ACTIONS =
      List.of("walk", "wave1", "run", "bend", "jack", "skip", "side", "pjump", "jump", "wave2");
  private static final List<String> KEY_ONLY = List.of("cam-kcat", "cam-python", "cam-ffmpeg");

  /** The headers each publisher sends: none, but kcat's capture time. */
  private static final Map<String, Set<String>> HEADERS =
      Map.of(
          "cam-kcat", Set.of(FrameHeaders.CAPTURE_TIME),
          "cam-python", Set.of(),
          "cam-ffmpeg", Set.of());

  private static final String INGEST = "cam-ingest";
  private static final double MIN_AGREEMENT = 0.95;

  /**
   * For cam-ffmpeg, whose capture times are kcat's sending times: on a loaded machine a frame sent
   * 50 ms late or early can land in a neighbouring step (see the class comment).
   */
  private static final double MIN_AGREEMENT_SENDING_TIME = 0.90;

  /** The clips' rate. */
  private static final int CLIP_FPS = 25;

  /** Every 5th frame of the 25 fps clips: 5 fps. */
  private static final int EVERY = 5;

  private static final int FPS = CLIP_FPS / EVERY;

  @TempDir Path tmp;

  @Test
  void shouldPredictForKeyOnlyFramesFromKcatPythonAndFfmpegWhatOurIngestGets() throws Exception {
    Path root = Path.of(System.getProperty("oad.root", "..")).toAbsolutePath().normalize();
    Path examples = root.resolve("deploy/ops/examples");
    List<String> clips = new ArrayList<>();
    for (String action : ACTIONS) {
      clips.add(
          EndToEndIT.weizmann()
              .resolve("videos/" + action + "/daria_" + action + ".avi")
              .toString());
    }
    Path frames = tmp.resolve("frames");
    List<String> extract =
        new ArrayList<>(
            List.of(
                "sh",
                examples.resolve("jpegs_from_video.sh").toString(),
                frames.toString(),
                Integer.toString(EVERY)));
    extract.addAll(clips);
    run(extract, "extract", Duration.ofMinutes(2));
    List<String> files;
    try (Stream<Path> s = Files.list(frames)) {
      files = s.map(Path::toString).sorted().toList();
    }

    PrometheusRegistry registry = new PrometheusRegistry();
    long started = System.nanoTime();
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      String bootstrap = kafka.bootstrapServers();
      Backbone backbone = Backbones.defaultBackbone(root);
      Detector model = Models.detector(root.resolve("models/detector"), backbone.dimension());
      assertEquals(model.featureSpec().extractorId(), backbone.id(), "the shipped pair");
      try (Pipeline pipeline =
          new Pipeline(bootstrap, tmp.resolve("streams"), backbone, model, registry)) {
        pipeline.awaitRunning(Duration.ofSeconds(60));

        List<String> kcat =
            new ArrayList<>(
                List.of(
                    "bash",
                    examples.resolve("publish_jpegs_kcat.sh").toString(),
                    bootstrap,
                    "cam-kcat",
                    Integer.toString(FPS)));
        kcat.addAll(files);
        List<String> python =
            new ArrayList<>(
                List.of(
                    "/usr/bin/python3",
                    examples.resolve("publish_jpegs.py").toString(),
                    bootstrap,
                    "cam-python",
                    Integer.toString(FPS)));
        python.addAll(files);
        List<String> ffmpeg =
            new ArrayList<>(
                List.of(
                    "sh",
                    examples.resolve("publish_video_ffmpeg_kcat.sh").toString(),
                    bootstrap,
                    "cam-ffmpeg",
                    Integer.toString(EVERY)));
        ffmpeg.addAll(clips);
        Map<String, Process> publishers = new LinkedHashMap<>();
        publishers.put("cam-kcat", start(kcat, "cam-kcat"));
        publishers.put("cam-python", start(python, "cam-python"));
        publishers.put("cam-ffmpeg", start(ffmpeg, "cam-ffmpeg"));
        IngestResult ingested;
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(VideoIngestor.producerProperties(bootstrap))) {
          IngestOptions options =
              IngestOptions.builder()
                  .setCameraId(INGEST)
                  .setSources(clips)
                  .optTargetFps(FPS)
                  .optSize(0, 0)
                  .optRealtime(true)
                  .build();
          ingested = new VideoIngestor(options).run(producer);
          producer.flush();
        }
        for (var p : publishers.entrySet()) {
          awaitSuccess(p.getValue(), p.getKey(), Duration.ofMinutes(1));
        }
        // FFmpeg's fps filter ends a frame before ingest's sampler when the last instant falls
        // inside the last source frame; the steps compared are those of the frames both publish
        long frameCount = Math.min(files.size(), ingested.framesPublished());
        assertTrue(
            Math.abs(files.size() - ingested.framesPublished()) <= 1,
            "ingest and FFmpeg sample the same frames: "
                + ingested.framesPublished()
                + " vs "
                + files.size());

        Map<String, TreeMap<Long, String>> steps = readSteps(bootstrap, Duration.ofMinutes(2));
        long publishedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        long lastStep = (long) Math.floor((frameCount - 1) * 4.0 / FPS);
        TreeMap<Long, String> reference =
            new TreeMap<>(steps.getOrDefault(INGEST, new TreeMap<>()).headMap(lastStep, true));
        // 4 steps a second
        assertTrue(
            reference.size() >= files.size() * 4 / FPS - 2, "ingest steps " + reference.size());
        System.out.println(
            "PublishFromOwnPipelineIT: "
                + files.size()
                + " frames per camera, "
                + publishedSeconds
                + " s from broker start to the last prediction");
        System.out.println("  " + INGEST + " " + line(reference, reference));
        Map<String, Double> agreement = new LinkedHashMap<>();
        for (String camera : KEY_ONLY) {
          TreeMap<Long, String> got = steps.getOrDefault(camera, new TreeMap<>());
          System.out.println("  " + camera + " " + line(reference, got));
          // the step grid is fixed to the epoch, so a camera sending at its own pace has its frames
          // at another phase of it than ingest's: the same frame can form a step one earlier or
          // later. A step agrees when its top action is ingest's at that step or a neighbour.
          long same =
              reference.entrySet().stream()
                  .filter(
                      e ->
                          e.getValue().equals(got.get(e.getKey()))
                              || e.getValue().equals(got.get(e.getKey() - 1))
                              || e.getValue().equals(got.get(e.getKey() + 1)))
                  .count();
          agreement.put(camera, (double) same / reference.size());
        }
        System.out.println(
            "PublishFromOwnPipelineIT: same top action as " + INGEST + " per step: " + agreement);
        assertEquals(Map.of(), deadLetters(bootstrap), "no frame refused");
        Map<String, Set<String>> headers = new TreeMap<>();
        Map<String, Long> offStep = offStep(bootstrap, headers);
        System.out.println(
            "PublishFromOwnPipelineIT: frames whose capture time puts them in another step than"
                + " their due time: "
                + offStep);
        for (String camera : KEY_ONLY) {
          assertEquals(HEADERS.get(camera), headers.get(camera), camera + " headers");
          double min = camera.equals("cam-ffmpeg") ? MIN_AGREEMENT_SENDING_TIME : MIN_AGREEMENT;
          assertTrue(agreement.get(camera) >= min, camera + " agrees with ingest on " + agreement);
        }
      }
    }
  }

  /**
   * The steps one line: each step's top action as one letter, '.' where absent, lower case where it
   * differs.
   */
  private static String line(TreeMap<Long, String> reference, TreeMap<Long, String> got) {
    StringBuilder s = new StringBuilder();
    long last =
        Math.max(
            reference.isEmpty() ? -1 : reference.lastKey(), got.isEmpty() ? -1 : got.lastKey());
    for (long k = 0; k <= last; k++) {
      String action = got.get(k);
      if (action == null) {
        s.append('.');
      } else {
        char c = Character.toUpperCase(action.charAt(0));
        s.append(action.equals(reference.get(k)) ? c : Character.toLowerCase(c));
      }
    }
    return s.append(" (").append(got.size()).append(" steps)").toString();
  }

  /** Top action by step of every camera, read until no prediction came for 5 s after the first. */
  private static Map<String, TreeMap<Long, String>> readSteps(String bootstrap, Duration timeout) {
    Map<String, TreeMap<Long, String>> steps = new TreeMap<>();
    JsonSerde<Prediction> serde = JsonSerde.predictions();
    long deadline = System.nanoTime() + timeout.toNanos();
    long quietSince = System.nanoTime();
    try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
      c.subscribe(List.of(Topics.PREDICTIONS));
      while (System.nanoTime() < deadline
          && (steps.isEmpty()
              || System.nanoTime() - quietSince < Duration.ofSeconds(5).toNanos())) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          Prediction p = serde.deserialize(r.topic(), r.value());
          String before =
              steps.computeIfAbsent(p.camera(), k -> new TreeMap<>()).put(p.step(), p.action());
          assertEquals(null, before, p.camera() + " step " + p.step() + " predicted twice");
          quietSince = System.nanoTime();
        }
      }
    }
    return steps;
  }

  /**
   * Per camera, how many frames have a capture time (relative to the camera's first frame) in
   * another step than the frame's due time {@code i / FPS} would be.
   */
  private static Map<String, Long> offStep(String bootstrap, Map<String, Set<String>> headers) {
    Map<String, List<Long>> times = new TreeMap<>();
    try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
      c.subscribe(List.of(Topics.FRAMES));
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < until) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          Long header = FrameHeaders.getOptionalLong(r.headers(), FrameHeaders.CAPTURE_TIME);
          times
              .computeIfAbsent(r.key(), k -> new ArrayList<>())
              .add(header != null ? header : r.timestamp());
          Set<String> names = headers.computeIfAbsent(r.key(), k -> new TreeSet<>());
          r.headers().forEach(h -> names.add(h.key()));
        }
      }
    }
    Map<String, Long> off = new TreeMap<>();
    times.forEach(
        (camera, ts) -> {
          long n = 0;
          for (int i = 0; i < ts.size(); i++) {
            long due = (long) Math.floor(i * 4.0 / FPS);
            if (Math.floorDiv((ts.get(i) - ts.get(0)) * 4, 1000) != due) {
              n++;
            }
          }
          off.put(camera, n);
        });
    return off;
  }

  /** How many dead letters of each camera and reason ("camera: reason"). */
  private static Map<String, Integer> deadLetters(String bootstrap) {
    Map<String, Integer> found = new TreeMap<>();
    try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
      c.subscribe(List.of(Topics.DEADLETTER));
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < until) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          String reason = FrameHeaders.getString(r.headers(), DeadLetterHeaders.REASON);
          found.merge(r.key() + ": " + reason, 1, Integer::sum);
        }
      }
    }
    return found;
  }

  private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private Process start(List<String> command, String name) throws IOException {
    Path log = tmp.resolve(name + ".log");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private void awaitSuccess(Process process, String name, Duration timeout) throws Exception {
    boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    String log = Files.readString(tmp.resolve(name + ".log"));
    assertTrue(ended && process.exitValue() == 0, name + " failed (ended " + ended + "): " + log);
  }

  private void run(List<String> command, String name, Duration timeout) throws Exception {
    awaitSuccess(start(command, name), name, timeout);
  }
}
