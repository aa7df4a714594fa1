package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.training.features.SharedClips;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BackboneTrainCommandTest {
  @TempDir Path dir;

  @Test
  void shouldTrainOnTrainingSubjectsAndWriteALoadableBackboneWithItsRecord() throws Exception {
    Path out = dir.resolve("backbone");
    int code =
        new CommandLine(new BackboneTrainCommand())
            .execute(
                "--clips",
                SharedClips.weizmann().toString(),
                "--subjects",
                "daria",
                "--val-subjects",
                "lyova",
                "--streams-per-subject",
                "1",
                "--epochs",
                "1",
                "--out",
                out.toString(),
                "--work",
                dir.resolve("work").toString());

    assertEquals(0, code);
    JsonNode report =
        new ObjectMapper().readTree(out.resolve(BackboneTrainCommand.REPORT).toFile());
    try (TwoStreamBackbone backbone = TwoStreamBackbone.load(out)) {
      assertEquals(backbone.id(), report.get("id").asText());
      assertEquals(11, backbone.config().classes());
      assertEquals(128, backbone.dimension());
    }
    assertEquals(1, report.get("epochs").size());
    assertTrue(report.get("trainSamples").asInt() > 50, report.toString());
    assertTrue(report.get("epochs").get(0).get("valAccuracy").isNumber(), report.toString());
  }

  @Test
  void shouldRefuseASubjectInBothTrainingAndValidation() {
    int code =
        new CommandLine(new BackboneTrainCommand())
            .execute(
                "--clips",
                SharedClips.weizmann().toString(),
                "--subjects",
                "daria,lyova",
                "--val-subjects",
                "lyova",
                "--out",
                dir.resolve("never").toString());

    assertNotEquals(0, code);
    assertEquals(List.of(), List.of(dir.toFile().list()), "nothing written");
  }
}
