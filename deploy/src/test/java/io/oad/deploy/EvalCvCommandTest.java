package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.training.features.SharedClips;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oad eval --cv} end to end on the real Weizmann clips with tiny settings: three subjects,
 * three folds, each training a backbone and OadTR from scratch; then a second run that reuses every
 * fold's models and only evaluates again.
 */
class EvalCvCommandTest {
  private static final List<String> SUBJECTS = List.of("daria", "eli", "ira");

  @TempDir Path tmp;

  private String[] cv(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "eval",
                "--cv",
                "--clips",
                SharedClips.weizmann().toString(),
                "--cv-subjects",
                String.join(",", SUBJECTS),
                "--cv-backbone-epochs",
                "1",
                "--cv-backbone-streams",
                "1",
                "--cv-detector-epochs",
                "1",
                "--cv-detector-streams",
                "1",
                "--cv-eval-streams",
                "1",
                "--out",
                tmp.toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /** Runs the command, returning its exit code and what it printed. */
  private static String run(int[] code, String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      code[0] = OadCli.run(args);
    } finally {
      System.setOut(old);
    }
    String text = buffer.toString(StandardCharsets.UTF_8);
    old.print(text);
    return text;
  }

  @Test
  void shouldTrainEveryFoldThenReuseTheModelsOnASecondRun() throws Exception {
    int[] code = new int[1];
    String first = run(code, cv());
    assertEquals(0, code[0], first);

    JsonNode cv = new ObjectMapper().readTree(tmp.resolve("cv.json").toFile());
    JsonNode folds = cv.get("folds");
    assertEquals(3, folds.size(), cv.toString());
    for (int i = 0; i < 3; i++) {
      JsonNode f = folds.get(i);
      String test = SUBJECTS.get(i);
      assertEquals(test, f.get("test").asText());
      assertEquals(SUBJECTS.get((i + 1) % 3), f.get("validation").asText());
      assertEquals(SUBJECTS.get((i + 2) % 3), f.get("train").get(0).asText());
      assertEquals(1, f.get("train").size());
      double map = f.get("mAP").asDouble();
      assertTrue(map > 0 && map <= 1, "fold " + test + " mAP " + map);
      assertEquals(8, f.get("futureMAP").size());
      assertEquals(8, f.get("futureMAPPersistence").size());
      assertEquals(8, f.get("futureMAPOracle").size());
      assertEquals(10, f.get("ap").size(), "one AP per Weizmann action");
      assertTrue(f.get("instances").asInt() >= 10, f.toString());
      Path fold = tmp.resolve(test);
      assertTrue(Files.exists(fold.resolve("models/backbone/.done")));
      assertTrue(Files.exists(fold.resolve("models/detector/.done")));
      assertTrue(Files.isRegularFile(fold.resolve("models/detector/model.json")));
      assertTrue(Files.isRegularFile(fold.resolve("eval/report.json")));
      // training fitted the future blend on the validation subject; the fold evaluated with it
      JsonNode model =
          new ObjectMapper().readTree(fold.resolve("models/detector/model.json").toFile());
      assertEquals(8, model.get("futureBlend").size(), model.toString());
      JsonNode report = new ObjectMapper().readTree(fold.resolve("eval/report.json").toFile());
      assertEquals(model.get("futureBlend"), report.get("futureBlend"), report.toString());
      assertEquals("archive", report.get("futureBlendSource").asText());
    }
    JsonNode agg = cv.get("aggregate");
    assertEquals(3, agg.get("folds").asInt());
    JsonNode map = agg.get("mAP");
    assertEquals(3, map.get("n").asInt());
    double mean = 0;
    for (JsonNode f : folds) {
      mean += f.get("mAP").asDouble() / 3;
    }
    assertEquals(mean, map.get("mean").asDouble(), 1e-9);
    assertTrue(map.get("min").asDouble() <= mean && mean <= map.get("max").asDouble());
    assertEquals(10, agg.get("ap").size());
    assertEquals(8, agg.get("futureMAPOracle").size());
    for (int k = 0; k < 8; k++) {
      // the oracle knows the current segment: on the same frames it ranks at least as well
      assertTrue(
          agg.get("futureMAPOracle").get(k).get("mean").asDouble()
              >= agg.get("futureMAPPersistence").get(k).get("mean").asDouble() - 0.05,
          agg.toString());
    }
    assertTrue(agg.get("delayMeanSeconds").has("std"));
    String md = Files.readString(tmp.resolve("cv.md"));
    assertTrue(md.contains("| per-frame mAP | "), md);
    assertTrue(md.contains("| t+8 (2.00 s) | "), md);
    assertTrue(Files.readString(tmp.resolve("cv.html")).contains("<table>"));
    assertTrue(first.contains("backbone: training"), first);
    assertTrue(first.contains("ETA"), first);

    // second run: the markers exist, nothing is trained again
    Path params = tmp.resolve("daria/models/backbone/backbone.params");
    Path detector = tmp.resolve("daria/models/detector/model.json");
    FileTime paramsTime = Files.getLastModifiedTime(params);
    FileTime detectorTime = Files.getLastModifiedTime(detector);
    String second = run(code, cv());
    assertEquals(0, code[0], second);
    assertFalse(second.contains("backbone: training"), second);
    assertFalse(second.contains("detector: training"), second);
    assertEquals(3, second.split("backbone: reusing", -1).length - 1, second);
    assertEquals(3, second.split("detector: reusing", -1).length - 1, second);
    assertEquals(paramsTime, Files.getLastModifiedTime(params));
    assertEquals(detectorTime, Files.getLastModifiedTime(detector));
    JsonNode again = new ObjectMapper().readTree(tmp.resolve("cv.json").toFile());
    assertEquals(
        folds.get(0).get("mAP").asDouble(),
        again.get("folds").get(0).get("mAP").asDouble(),
        1e-6,
        "the same models on the same streams give the same mAP");

    // a fold whose detector has no blend gets one fitted on its validation subject's stream,
    // composed as training composed it: the same weights training wrote, the archive untouched
    ObjectMapper json = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode manifest =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(detector.toFile());
    JsonNode trained = manifest.remove("futureBlend");
    json.writeValue(detector.toFile(), manifest);
    String refit = run(code, cv("--cv-folds", "daria"));
    assertEquals(0, code[0], refit);
    assertTrue(refit.contains("fitting it on validation subject eli"), refit);
    JsonNode report = json.readTree(tmp.resolve("daria/eval/report.json").toFile());
    assertEquals("fitted on validation subject", report.get("futureBlendSource").asText());
    assertEquals(trained, report.get("futureBlend"), report.toString());
    assertEquals(8, report.get("futureBlendValidationMAP").size());
    assertFalse(json.readTree(detector.toFile()).has("futureBlend"));

    // a fold folder made for other subjects is refused, not silently reused
    String other =
        run(
            code,
            "eval",
            "--cv",
            "--clips",
            SharedClips.weizmann().toString(),
            "--cv-subjects",
            "daria,ira,eli",
            "--cv-folds",
            "daria",
            "--out",
            tmp.toString());
    assertNotEquals(0, code[0], other);
    assertEquals(paramsTime, Files.getLastModifiedTime(params));
  }
}
