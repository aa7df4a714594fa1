package io.oad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.detector.OadtrConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official code's timing through the path {@code oad bench --parts detector} takes: {@link
 * DetectorBench} runs {@code scripts/oadtr_official_bench.py} with Debian's python3-torch on the
 * tiny configuration, after the script proved on the official reference outputs that it computes
 * the official model. Needs {@code /usr/bin/python3} with torch ({@code .ci/run} installs it).
 */
class OfficialBenchTest {
  private static final List<Integer> BATCHES = List.of(1, 2, 3);

  @TempDir Path tmp;

  private static Path reference() {
    String shared = System.getProperty("oad.shared");
    assertNotNull(shared, "system property oad.shared is not set (the parent pom sets it)");
    Path dir = Path.of(shared).resolve("data/oadtr-reference/tiny");
    assertTrue(Files.isRegularFile(dir.resolve("weights.npz")), "reference not found at " + dir);
    return dir;
  }

  private static OfficialBench official(Path reference) {
    Path script = OfficialBench.locateScript(Path.of("."));
    assertNotNull(script, OfficialBench.SCRIPT + " not found from oad.root");
    OfficialBench bench = new OfficialBench(OfficialBench.DEFAULT_PYTHON, script, reference);
    String why = bench.unavailableReason();
    assertNull(why, "the official timing cannot run here (.ci/run installs python3-torch): " + why);
    return bench;
  }

  @Test
  void shouldPrintTheOfficialTimingNextToOursAfterMatchingTheReference() throws Exception {
    DetectorBench bench =
        new DetectorBench(
            BATCHES, List.of(1), new TimedLoop(1, 3, 2.0), 64, official(reference()), null);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    DetectorBench.Result r =
        bench.run(
            List.of(new DetectorBench.Subject("tiny", BenchModels::tiny)),
            new PrintStream(console, true, StandardCharsets.UTF_8));

    DetectorBench.Official official = r.official();
    assertNull(official.skipped());
    assertEquals(List.of(), official.failures(), console.toString(StandardCharsets.UTF_8));
    assertEquals(1, official.runs().size());
    OfficialBench.Run run = official.runs().get(0);
    assertEquals("tiny", run.model());
    assertEquals(1, run.threads());
    assertFalse(run.torch().isBlank());
    // the script built the official model: same parameter count as ours and as the reference's
    assertEquals(DetectorBench.parameterCount(OadtrConfig.tiny()), run.parameters());
    assertEquals(
        new ObjectMapper()
            .readTree(reference().resolve("config.json").toFile())
            .path("parameters")
            .asLong(),
        run.parameters());
    // ... and reproduced the official outputs
    assertNotNull(run.check(), "no reference check in " + run);
    assertTrue(run.check().passed(), run.check().toString());
    assertTrue(run.check().maxAbsDiffCurrent() < 1e-4, run.check().toString());
    assertTrue(run.check().maxAbsDiffFuture() < 1e-4, run.check().toString());
    assertFinitePositive(run.matmulGflopsPerSecond(), "matmul GFLOP/s");

    assertEquals(BATCHES, run.rows().stream().map(OfficialBench.Timing::batch).toList());
    for (OfficialBench.Timing t : run.rows()) {
      assertTrue(t.iterations() >= 3, t.toString());
      assertFinitePositive(t.msPerPrediction(), "official ms/prediction " + t);
      assertFinitePositive(t.bestMsPerPrediction(), "official best ms/prediction " + t);
      assertTrue(t.bestMsPerPrediction() <= t.msPerPrediction(), t.toString());
      assertTrue(t.p90MsPerPrediction() >= t.msPerPrediction(), t.toString());
    }
    // every row of ours (raw windows and cached steps) sits next to the official timing
    assertEquals(2 * BATCHES.size(), r.rows().size());
    for (DetectorBench.Row row : r.rows()) {
      assertNotNull(row.officialMsPerPrediction(), row.toString());
      assertEquals(run.at(row.batch()).msPerPrediction(), row.officialMsPerPrediction(), 0.0);
      assertEquals(
          row.msPerPrediction() / row.officialMsPerPrediction(), row.oursOverOfficial(), 1e-12);
      assertFinitePositive(row.oursOverOfficial(), "ours/official " + row);
      assertEquals(
          run.at(row.batch()).bestMsPerPrediction(), row.officialBestMsPerPrediction(), 0.0);
      assertTrue(row.bestMsPerPrediction() <= row.msPerPrediction(), row.toString());
      assertFinitePositive(row.bestCpuMsPerPrediction(), "cpu ms " + row);
      assertEquals(
          run.at(row.batch()).bestCpuMsPerPrediction(), row.officialBestCpuMsPerPrediction(), 0.0);
      assertFinitePositive(row.officialBestCpuMsPerPrediction(), "official cpu ms " + row);
      // % limit: the fastest call's analytic GFLOP/s over the fixed 195 GFLOP/s of one thread
      assertEquals(DetectorBench.DEFAULT_LIMIT_GFLOPS, row.limitGflopsPerSecond(), 0.0);
      assertEquals(
          100.0 * row.gflopPerPrediction() / (row.bestMsPerPrediction() / 1000.0) / 195.0,
          row.percentOfLimit(),
          1e-9);
    }

    // the JSON and the table carry it
    BenchReport report = new BenchReport(java.util.Map.of());
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    report.detector(r, new PrintStream(table, true, StandardCharsets.UTF_8));
    String printed = table.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("official ms/pred"), printed);
    assertTrue(printed.contains("ours/official"), printed);
    assertTrue(printed.contains("% limit"), printed);
    Path json = tmp.resolve("bench.json");
    report.write(json);
    JsonNode root = new ObjectMapper().readTree(json.toFile()).path("detector");
    assertTrue(root.path("official").path("runs").get(0).path("check").path("passed").asBoolean());
    for (JsonNode row : root.path("rows")) {
      assertFinitePositive(row.path("officialMsPerPrediction").asDouble(), "JSON " + row);
      assertFinitePositive(row.path("oursOverOfficial").asDouble(), "JSON " + row);
      assertFinitePositive(row.path("officialBestMsPerPrediction").asDouble(), "JSON " + row);
      assertFinitePositive(row.path("percentOfLimit").asDouble(), "JSON " + row);
    }
  }

  @Test
  void shouldFailWhenTheScriptsOutputsDifferFromTheOfficialOnes() throws Exception {
    // a copy of the reference whose last expected current-step logit is off by far more than 1e-4
    Path bad = tmp.resolve("tiny");
    Files.createDirectories(bad);
    try (Stream<Path> files = Files.list(reference())) {
      for (Path f : files.toList()) {
        Files.copy(f, bad.resolve(f.getFileName()));
      }
    }
    Path logits = bad.resolve("expected_current_logits.npy");
    byte[] npy = Files.readAllBytes(logits);
    int last = npy.length - Float.BYTES;
    ByteBuffer value = ByteBuffer.wrap(npy, last, Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    float original = value.getFloat(last);
    value.putFloat(last, original + 0.01f);
    assertTrue(logits.toFile().setWritable(true) || Files.isWritable(logits));
    Files.write(logits, npy);

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                official(bad)
                    .run("tiny", OadtrConfig.tiny(), 1, List.of(1), new TimedLoop(0, 1, 1.0)));
    assertTrue(e.getMessage().contains("CHECK FAILED"), e.getMessage());
  }

  @Test
  void shouldSayInOneLineWhyWithoutPythonTorch() {
    OfficialBench bench =
        new OfficialBench(
            tmp.resolve("no-python").toString(), OfficialBench.locateScript(Path.of(".")), null);
    String why = bench.unavailableReason();
    assertNotNull(why);
    assertFalse(why.contains("\n"), why);
    DetectorBench.Result r =
        new DetectorBench(List.of(1), List.of(1), new TimedLoop(0, 1, 1.0), 32, null, why)
            .run(
                List.of(new DetectorBench.Subject("tiny", BenchModels::tiny)),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(why, r.official().skipped());
    assertTrue(r.rows().stream().allMatch(row -> row.officialMsPerPrediction() == null));
  }

  private static void assertFinitePositive(double v, String what) {
    assertTrue(Double.isFinite(v) && v > 0, what + " = " + v);
  }
}
