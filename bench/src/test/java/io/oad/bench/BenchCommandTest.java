package io.oad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {
  @TempDir Path tmp;

  private static Path clips() {
    String shared = System.getProperty("oad.shared");
    assertTrue(shared != null, "system property oad.shared is not set (the parent pom sets it)");
    Path dir = Path.of(shared).resolve("data/weizmann");
    assertTrue(Files.isDirectory(dir.resolve("videos")), "Weizmann clips not found at " + dir);
    return dir;
  }

  @Test
  void shouldWriteSaneNumbersForEveryPart() throws Exception {
    Path out = tmp.resolve("bench.json");
    int rc =
        new CommandLine(new BenchCommand())
            .execute(
                "--out",
                out.toString(),
                "--models",
                "tiny",
                "--batches",
                "1,2",
                "--threads",
                "1",
                "--warmup",
                "1",
                "--iterations",
                "3",
                "--matmul",
                "128",
                "--extractor-batches",
                "1,2",
                "--extractor-frames",
                "8",
                "--cameras",
                "2",
                "--fps",
                "2",
                "--seconds",
                "5",
                "--e2e-warmup-seconds",
                "2",
                "--commit-interval-ms",
                "50",
                "--extractor-transactional",
                "--extractor-workers",
                "2",
                "--sizing",
                "10,1000",
                "--clips",
                clips().toString(),
                "--data",
                tmp.resolve("data").toString());
    assertEquals(0, rc);
    JsonNode root = new ObjectMapper().readTree(out.toFile());

    JsonNode detector = root.path("detector");
    positive(detector.path("matmul").get(0).path("matmul"), "gflopsPerSecond");
    // each batch size twice: raw windows, then cached projected steps (StreamingDetector)
    assertEquals(4, detector.path("rows").size());
    assertEquals("tiny+cache", detector.path("rows").get(1).path("model").asText());
    for (JsonNode row : detector.path("rows")) {
      for (String f :
          List.of(
              "msPerPrediction",
              "p90MsPerPrediction",
              "predictionsPerSecond",
              "gflopsPerSecond",
              "percentOfMatmul",
              "gflopPerPrediction",
              "bestMsPerPrediction",
              "percentOfLimit",
              "limitGflopsPerSecond",
              "bestCpuMsPerPrediction",
              "cpuPercentOfLimit")) {
        positive(row, f);
      }
      assertTrue(
          row.path("bestMsPerPrediction").asDouble() <= row.path("msPerPrediction").asDouble());
      assertTrue(
          row.path("p90MsPerPrediction").asDouble() >= row.path("msPerPrediction").asDouble());
    }

    JsonNode extractor = root.path("extractor").path("rows");
    assertEquals(2, extractor.size());
    for (JsonNode row : extractor) {
      positive(row, "framesPerSecond");
      positive(row, "decodeMsPerFrame");
      positive(row, "embedMsPerFrame");
      positive(row, "embedCpuMsPerFrame");
    }

    JsonNode e2e = root.path("endToEnd");
    positive(e2e, "framesPublished");
    positive(e2e, "predictionsAfterDrain");
    positive(e2e, "rssBytesEnd");
    positive(e2e.path("endToEndMs"), "p50");
    assertEquals(2, e2e.path("warmupSeconds").asInt());
    assertTrue(e2e.path("intervals").size() >= 1, "latency by interval: " + e2e);
    positive(e2e.path("intervals").get(0), "predictions");
    positive(e2e.path("endToEndMs"), "p99");
    assertTrue(
        e2e.path("endToEndMs").path("p99").asDouble()
            >= e2e.path("endToEndMs").path("p50").asDouble());
    // 2 cameras at 2 fps for 5 s: about 20 frames, never many more
    long frames = e2e.path("framesPublished").asLong();
    assertTrue(frames >= 10 && frames <= 26, "frames published: " + frames);
    // the topology scored every step it predicted, in batches of at least one
    JsonNode batches = e2e.path("batches");
    assertEquals(32, batches.path("maxBatch").asInt());
    positive(batches, "modelCalls");
    positive(batches, "inferenceMsPerStep");
    assertTrue(batches.path("meanBatch").asDouble() >= 1.0, batches.toString());
    assertTrue(
        batches.path("stepsScored").asLong() >= batches.path("modelCalls").asLong(),
        batches.toString());
    positive(e2e.path("cpuSecondsByComponent"), "extractor");
    assertEquals(2, e2e.path("lag").size());
    // the settings reached the pipeline
    assertEquals(50, e2e.path("tuning").path("commitIntervalMs").asInt());
    assertTrue(e2e.path("tuning").path("extractorTransactional").asBoolean());
    assertEquals(2, e2e.path("tuning").path("extractorWorkers").asInt());
    // where the time goes: each stage comes no earlier than the one before it, at the median
    JsonNode stages = e2e.path("stagesMs");
    double frame = stages.path("frameOnBroker").path("p50").asDouble();
    double embedding = stages.path("embeddingOnBroker").path("p50").asDouble();
    double committed = stages.path("embeddingCommitted").path("p50").asDouble();
    double prediction = stages.path("predictionOnBroker").path("p50").asDouble();
    positive(stages.path("embeddingCommitted"), "count");
    positive(stages.path("predictionOnBroker"), "count");
    assertTrue(frame <= embedding && embedding <= committed, stages.toString());
    assertTrue(prediction <= e2e.path("endToEndMs").path("p50").asDouble() + 5, stages.toString());
    // cost per camera and the sizing table made from it
    JsonNode cost = e2e.path("cost");
    for (String f :
        List.of("extractor", "detector", "total", "camerasPerCore", "matmulGflopsPerSecond")) {
      positive(cost, f);
    }
    assertEquals(
        1000.0 / cost.path("total").asDouble(), cost.path("camerasPerCore").asDouble(), 1e-6);
    JsonNode sizing = e2e.path("sizing");
    assertEquals(2, sizing.size());
    assertEquals(1000, sizing.get(1).path("cameras").asInt());
    assertTrue(
        sizing.get(1).path("extractors").asInt() >= sizing.get(0).path("extractors").asInt(),
        sizing.toString());
    assertEquals(
        100 * sizing.get(0).path("cores").asDouble(),
        sizing.get(1).path("cores").asDouble(),
        1e-9 * sizing.get(1).path("cores").asDouble(),
        "cores grow with the cameras: " + sizing);
    for (JsonNode lag : e2e.path("lag")) {
      assertTrue(lag.path("afterDrain").asLong() >= 0, lag.toString());
    }
  }

  private static void positive(JsonNode node, String field) {
    JsonNode v = node.path(field);
    assertTrue(v.isNumber(), field + " missing or not a number in " + node);
    double d = v.asDouble();
    assertTrue(Double.isFinite(d) && d > 0, field + " = " + d);
  }
}
