package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.detector.Detector;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.service.Models;
import io.oad.training.features.SharedClips;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Weizmann path of the command line on real clips: compose, train one epoch, evaluate on
 * another subject.
 */
class TrainEvalCommandTest {
  @TempDir Path tmp;

  @Test
  void shouldComposeTrainAndEvaluateOnAnUnseenSubject() throws Exception {
    Path clips = SharedClips.weizmann();
    Path streams = tmp.resolve("streams");
    assertEquals(
        0,
        OadCli.run(
            "dataset",
            "compose",
            "--clips",
            clips.toString(),
            "--subjects",
            "ira",
            "--seed",
            "5",
            "--out",
            streams.toString()));
    assertTrue(Files.isRegularFile(streams.resolve("index.csv")));
    assertTrue(Files.list(streams).anyMatch(p -> p.toString().endsWith(".labels.csv")));

    Path model = tmp.resolve("model");
    assertEquals(
        0,
        OadCli.run(
            "train",
            "--clips",
            clips.toString(),
            "--subjects",
            "daria",
            "--streams-per-subject",
            "1",
            "--epochs",
            "1",
            "--seed",
            "3",
            "--out",
            model.toString(),
            "--work",
            tmp.resolve("work").toString()));
    try (Detector d = Detector.load(model)) {
      assertEquals(Models.WEIZMANN_CLASSES, d.classNames());
      assertEquals(new PooledPixelBackbone().id(), d.featureSpec().extractorId());
    }

    // no validation data in that run, so no anticipation blend; --fit-blend-only fits one onto the
    // archive from a validation subject and rewrites model.json only
    try (Detector d = Detector.load(model)) {
      assertTrue(d.futureBlend().isNone(), "trained without validation: no blend");
    }
    byte[] weights = Files.readAllBytes(model.resolve("weights.npz"));
    assertEquals(
        0,
        OadCli.run(
            "train",
            "--fit-blend-only",
            "--clips",
            clips.toString(),
            "--val-subjects",
            "ira",
            "--seed",
            "3",
            "--out",
            model.toString(),
            "--work",
            tmp.resolve("work").toString()));
    JsonNode manifest = new ObjectMapper().readTree(model.resolve("model.json").toFile());
    JsonNode blend = manifest.get("futureBlend");
    assertTrue(blend != null && blend.isArray(), manifest.toString());
    try (Detector d = Detector.load(model)) {
      assertEquals(d.config().futureSteps(), blend.size(), "one weight per future step");
      for (int k = 0; k < blend.size(); k++) {
        double a = blend.get(k).asDouble();
        assertTrue(a >= 0 && a <= 1, "weight " + a);
        assertEquals(
            a, d.futureBlend().weight(k + 1), 1e-12, "the loaded detector serves the fitted blend");
      }
    }
    assertTrue(
        java.util.Arrays.equals(weights, Files.readAllBytes(model.resolve("weights.npz"))),
        "fitting the blend leaves the weights alone");
    assertEquals(
        2,
        OadCli.run(
            "train",
            "--fit-blend-only",
            "--clips",
            clips.toString(),
            "--subjects",
            "daria",
            "--out",
            model.toString()),
        "--fit-blend-only without validation subjects is refused");
    assertEquals(
        2,
        OadCli.run("train", "--clips", clips.toString(), "--out", tmp.resolve("y").toString()),
        "training from clips without --subjects is refused");

    Path report = tmp.resolve("report");
    assertEquals(
        0,
        OadCli.run(
            "eval",
            "--clips",
            clips.toString(),
            "--subjects",
            "moshe",
            "--seed",
            "9",
            "--model",
            model.toString(),
            "--out",
            report.toString()));
    JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
    assertTrue(json.toString().contains("mAP"), json.toString());
    String html = Files.readString(report.resolve("report.html"));
    assertTrue(html.contains("wave2") && html.contains("<svg"), "HTML report with per-class chart");
    // training subjects are refused as evaluation subjects only by convention; a mix-up in train is
    // refused outright
    assertEquals(
        2,
        OadCli.run(
            "train",
            "--clips",
            clips.toString(),
            "--subjects",
            "daria",
            "--val-subjects",
            "daria",
            "--out",
            tmp.resolve("x").toString()));
  }
}
