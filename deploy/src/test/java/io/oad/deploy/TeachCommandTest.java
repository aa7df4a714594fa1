package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.datasets.compose.ClassFolderLayout;
import io.oad.datasets.compose.UntrimmedLayout;
import io.oad.detector.Detector;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.service.Models;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oad teach} on the shared Weizmann clips laid out as {@code <action>/<file>} (no manifest,
 * no backgrounds), and on untrimmed videos composed from them with a CSV of their intervals: three
 * actions, two training subjects, one validation and one held-out subject, tiny epochs. Checks the
 * report and that both archives load as the service loads them.
 */
class TeachCommandTest {
  private static final List<String> ACTIONS = List.of("jack", "walk", "wave1");
  private static final List<String> SUBJECTS = List.of("daria", "ira", "lena", "moshe");

  @TempDir Path tmp;

  @Test
  void shouldTeachFromClassFoldersAndWriteArchivesThatLoad() throws Exception {
    Path clips = ClassFolderLayout.weizmann(tmp.resolve("clips"), ACTIONS, SUBJECTS, true);
    Path out = tmp.resolve("out");
    long t0 = System.nanoTime();
    int code =
        OadCli.run(
            TeachRuns.shortRun(
                clips,
                out,
                "moshe",
                "--val-groups",
                "lena",
                "--streams-per-group",
                "2",
                "--epochs",
                "2"));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, code);
    System.out.printf("oad teach took %.1f s%n", seconds);

    JsonNode report = new ObjectMapper().readTree(out.resolve("eval/report.json").toFile());
    for (String key : List.of("mAP", "detectionDelay")) {
      assertTrue(report.has(key), "report.json lacks " + key + ": " + report);
    }
    assertTrue(report.get("mAP").asDouble() >= 0 && report.get("mAP").asDouble() <= 1);
    assertTrue(Files.isRegularFile(out.resolve("eval/report.html")));
    for (String a : ACTIONS) {
      assertTrue(report.toString().contains("\"" + a + "\""), "no per-class AP of " + a);
    }
    // the composition is recorded, one index per group; the held-out group never trained on
    assertTrue(Files.isRegularFile(out.resolve("work/streams-train/daria/index.csv")));
    assertTrue(Files.isRegularFile(out.resolve("work/streams-holdout/moshe/index.csv")));
    assertTrue(Files.notExists(out.resolve("work/streams-train/moshe")));
    assertTrue(Files.notExists(out.resolve("work/streams-train/lena")));
    JsonNode record = new ObjectMapper().readTree(out.resolve(TeachCommand.RECORD).toFile());
    assertEquals("[\"daria\",\"ira\"]", record.get("trainGroups").toString());

    try (TwoStreamBackbone backbone = TwoStreamBackbone.load(out.resolve("backbone"));
        Detector detector = Models.detector(out.resolve("detector"), backbone.dimension())) {
      assertEquals(List.of("background", "jack", "walk", "wave1"), detector.classNames());
      Models.checkExtractor(detector, backbone.id());
      assertEquals(backbone.dimension(), detector.config().featureDim());
    }
  }

  @Test
  void shouldTeachFromUntrimmedVideosWithACsvOfIntervals() throws Exception {
    UntrimmedLayout.Made made =
        UntrimmedLayout.weizmann(tmp.resolve("untrimmed"), ACTIONS, SUBJECTS, 1, 5);
    Path out = tmp.resolve("out");
    long t0 = System.nanoTime();
    int code =
        OadCli.run(
            TeachRuns.shortVideoRun(
                made.videos(),
                made.annotations(),
                out,
                "moshe",
                "--val-groups",
                "lena",
                "--epochs",
                "2"));
    System.out.printf("oad teach --videos took %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(0, code);

    JsonNode report = new ObjectMapper().readTree(out.resolve("eval/report.json").toFile());
    for (String key : List.of("mAP", "mcAP", "detectionDelay")) {
      assertTrue(report.has(key), "report.json lacks " + key + ": " + report);
    }
    double mAP = report.get("mAP").asDouble();
    assertTrue(mAP >= 0 && mAP <= 1, "mAP " + mAP);
    for (String a : ACTIONS) {
      assertTrue(report.toString().contains("\"" + a + "\""), "no per-class AP of " + a);
    }
    assertTrue(Files.isRegularFile(out.resolve("eval/report.html")));
    JsonNode record = new ObjectMapper().readTree(out.resolve(TeachCommand.RECORD).toFile());
    assertEquals("[\"daria\",\"ira\"]", record.get("trainGroups").toString());
    assertEquals("[\"moshe\"]", record.get("holdoutGroups").toString());
    assertEquals(
        made.annotations().toAbsolutePath().toString(), record.get("annotations").asText());
    assertEquals(made.videos().toAbsolutePath().toString(), record.get("videos").asText());
    assertEquals(4, record.get("videoFiles").size());
    assertTrue(record.get("heldOutMAP").isNumber());
    // the labels read from the annotations are recorded; nothing was composed
    assertTrue(Files.isRegularFile(out.resolve("work/labels/moshe_seed5.labels.csv")));
    assertTrue(Files.notExists(out.resolve("work/streams-train")));

    try (TwoStreamBackbone backbone = TwoStreamBackbone.load(out.resolve("backbone"));
        Detector detector = Models.detector(out.resolve("detector"), backbone.dimension())) {
      assertEquals(List.of("background", "jack", "walk", "wave1"), detector.classNames());
      Models.checkExtractor(detector, backbone.id());
    }
  }

  @Test
  void shouldNameAnAnnotatedVideoThatDoesNotExist() throws Exception {
    Path videos = Files.createDirectories(tmp.resolve("videos"));
    Path csv = tmp.resolve("ann.csv");
    Files.writeString(csv, "video,action,start_s,end_s\ncam7,walk,0,1\n");
    String message = failure(TeachRuns.shortVideoRun(videos, csv, tmp.resolve("out"), "cam7"));
    assertTrue(message.contains(csv.toString()) && message.contains("'cam7'"), message);
  }

  @Test
  void shouldRefuseClipsAndVideosTogether() throws Exception {
    Path videos = Files.createDirectories(tmp.resolve("videos"));
    String[] args = TeachRuns.shortVideoRun(videos, tmp.resolve("a.csv"), tmp.resolve("out"), "x");
    String[] both = java.util.Arrays.copyOf(args, args.length + 2);
    both[args.length] = "--clips";
    both[args.length + 1] = videos.toString();
    String message = failure(both);
    assertTrue(
        message.contains("--clips") && message.contains("--videos") && message.contains("only one"),
        message);
  }

  /** Runs {@code oad} expecting a failure; returns what it printed to standard error. */
  private static String failure(String[] args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = OadCli.run(args);
    } finally {
      System.setErr(saved);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(code != 0, "exit code 0; printed " + message);
    return message;
  }

  @Test
  void shouldNameAHoldoutGroupThatMatchesNothing() throws Exception {
    Path clips =
        ClassFolderLayout.weizmann(
            tmp.resolve("clips"), List.of("walk", "wave1"), List.of("daria", "ira"), true);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = OadCli.run(TeachRuns.shortRun(clips, tmp.resolve("out"), "mosh"));
    } finally {
      System.setErr(saved);
    }
    assertEquals(2, code);
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("'mosh'") && message.contains("--holdout-groups"), message);
  }
}
