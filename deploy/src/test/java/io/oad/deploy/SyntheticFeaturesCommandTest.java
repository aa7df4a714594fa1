package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature-file path of the command line: a synthetic set written as .npy, trained on,
 * evaluated.
 */
class SyntheticFeaturesCommandTest {
  @TempDir Path tmp;

  @Test
  void shouldTrainAndEvaluateOnFeatureFilesWellAboveChance() throws Exception {
    Path data = tmp.resolve("synthetic");
    assertEquals(
        0,
        OadCli.run(
            "dataset", "synthetic", "--videos", "32", "--seed", "4", "--out", data.toString()));
    assertTrue(
        Files.isRegularFile(data.resolve("train.txt"))
            && Files.isDirectory(data.resolve("features")));

    Path model = tmp.resolve("model");
    assertEquals(
        0,
        OadCli.run(
            "train",
            "--features",
            data.resolve("features").toString(),
            "--targets",
            data.resolve("targets").toString(),
            "--split",
            data.resolve("train.txt").toString(),
            "--preset",
            "synthetic",
            "--seed",
            "2",
            "--out",
            model.toString(),
            "--work",
            tmp.resolve("work").toString()));

    Path report = tmp.resolve("report");
    assertEquals(
        0,
        OadCli.run(
            "eval",
            "--features",
            data.resolve("features").toString(),
            "--targets",
            data.resolve("targets").toString(),
            "--split",
            data.resolve("test.txt").toString(),
            "--model",
            model.toString(),
            "--out",
            report.toString()));
    JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
    double map = json.findValue("mAP").asDouble();
    // chance = the mean positive rate of the action classes, about 0.14 on this generator
    assertTrue(map > 0.3, "mAP on held-out synthetic videos " + map + " in " + json);
    assertTrue(Files.readString(report.resolve("report.html")).contains("<svg"));
  }
}
