package io.oad.training.cv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.datasets.ClassLayout;
import io.oad.training.eval.ActionInstance;
import io.oad.training.eval.DelayReport;
import io.oad.training.eval.EvalReport;
import io.oad.training.eval.EvalResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregation of fold reports written by {@link EvalReport}: three synthetic folds with numbers
 * chosen so that mean, sample standard deviation, minimum and maximum are known by hand.
 */
class CvSummaryTest {
  private static final double EPS = 1e-9;
  private static final double NAN = Double.NaN;
  private static final ClassLayout LAYOUT = ClassLayout.of(3, 0);
  private static final List<String> NAMES = List.of("background", "a", "b");

  @TempDir Path tmp;

  private FoldMetrics fold(
      String test,
      double apA,
      double apB,
      double map,
      List<Double> future,
      List<Double> persistence,
      List<Double> oracle,
      int... delays) {
    EvalResult r =
        new EvalResult(
            LAYOUT,
            List.of(NAN, apA, apB),
            map,
            List.of(NAN, apA, apB),
            map,
            future,
            persistence,
            oracle,
            100,
            0);
    List<ActionInstance> instances = new ArrayList<>();
    for (int d : delays) {
      instances.add(
          new ActionInstance(test, 1, 0, 10, d < 0 ? OptionalInt.empty() : OptionalInt.of(d)));
    }
    Path report = tmp.resolve(test).resolve("eval").resolve("report.json");
    EvalReport.write(report, r, new DelayReport(instances, 0.25), NAMES);
    return FoldMetrics.read(report, test, "v", List.of("x", "y"));
  }

  private List<FoldMetrics> folds() {
    return List.of(
        fold("f1", 0.5, 0.7, 0.6, List.of(0.5, 0.4), List.of(0.45, 0.35), List.of(0.9, 0.8), 2, -1),
        fold("f2", 0.7, NAN, 0.7, List.of(0.6, 0.5), List.of(0.5, 0.5), List.of(0.95, 0.85), 0, 2),
        fold("f3", 0.9, 0.9, 0.9, List.of(0.7, 0.6), List.of(0.4, 0.3), List.of(1.0, 0.9), 4));
  }

  @Test
  void shouldAggregateMeanSampleStdMinMax() {
    CvSummary s = CvSummary.of(folds());
    // mAP .6 .7 .9: mean 11/15, squared deviations sum 0.04667 / (3 - 1)
    assertEquals(11.0 / 15, s.mAP().mean(), EPS);
    assertEquals(Math.sqrt((0.0177777777 + 0.0011111111 + 0.0277777777) / 2), s.mAP().std(), 1e-6);
    assertEquals(0.6, s.mAP().min(), EPS);
    assertEquals(0.9, s.mAP().max(), EPS);
    assertEquals(3, s.mAP().n());
    // per class: a .5 .7 .9; b .7 (undefined) .9 -> two folds only
    assertEquals(0.7, s.ap().get("a").mean(), EPS);
    assertEquals(0.2, s.ap().get("a").std(), EPS);
    assertEquals(2, s.ap().get("b").n());
    assertEquals(0.8, s.ap().get("b").mean(), EPS);
    assertEquals(Math.sqrt(0.02), s.ap().get("b").std(), EPS);
    assertEquals(List.of("a", "b"), List.copyOf(s.ap().keySet()), "background is not a class row");
    // per offset, with the baselines
    assertEquals(0.6, s.futureMAP().get(0).mean(), EPS);
    assertEquals(0.1, s.futureMAP().get(0).std(), EPS);
    assertEquals((0.35 + 0.5 + 0.3) / 3, s.persistence().get(1).mean(), EPS);
    assertEquals(0.3, s.persistence().get(1).min(), EPS);
    assertEquals(0.5, s.persistence().get(1).max(), EPS);
    assertEquals(0.95, s.oracle().get(0).mean(), EPS);
    // detection: f1 detects 1 of 2 (delay 2 steps = 0.5 s), f2 2 of 2 (mean 1 step), f3 1 of 1
    assertEquals((0.5 + 1 + 1) / 3, s.detectionRate().mean(), EPS);
    assertEquals((0.5 + 0.25 + 1.0) / 3, s.delayMeanSeconds().mean(), EPS);
    assertEquals(0.25, s.delayMeanSeconds().min(), EPS);
    assertEquals(5, s.instances().mean() * 3, EPS);
    // f2 ties persistence at t+2, the others beat it everywhere; the means beat it
    assertEquals(2, s.foldsBeatingPersistence());
    assertTrue(s.meanBeatsPersistence());
  }

  @Test
  void shouldWriteJsonMarkdownAndHtml() throws Exception {
    CvSummary s = CvSummary.of(folds());
    s.write(tmp, Map.of("subjects", List.of("f1", "f2", "f3")));
    JsonNode cv = new ObjectMapper().readTree(tmp.resolve("cv.json").toFile());
    assertEquals(3, cv.get("folds").size());
    assertEquals("f2", cv.get("folds").get(1).get("test").asText());
    assertTrue(cv.get("folds").get(1).get("ap").get("b").isNull(), "undefined AP is null");
    assertFalse(cv.get("folds").get(1).get("futureBeatsPersistence").asBoolean());
    JsonNode agg = cv.get("aggregate");
    assertEquals(11.0 / 15, agg.get("mAP").get("mean").asDouble(), EPS);
    assertEquals(0.2, agg.get("ap").get("a").get("std").asDouble(), EPS);
    assertEquals(2, agg.get("futureMAPPersistence").size());
    assertEquals(0.85, agg.get("futureMAPOracle").get(1).get("mean").asDouble(), EPS);
    assertEquals(2, agg.get("foldsBeatingPersistence").asInt());

    String md = Files.readString(tmp.resolve("cv.md"));
    assertTrue(md.contains("| per-frame mAP | 0.733 ± 0.153 [0.600–0.900] |"), md);
    assertTrue(md.contains("| a | 0.700 ± 0.200 [0.500–0.900] |"), md);
    assertTrue(
        md.contains("| t+1 (0.25 s) | 0.600 ± 0.100 [0.500–0.700] | 0.450 ± 0.050 [0.400–0.500] |"),
        md);
    assertTrue(md.contains("beats persistence at every future step (t+1..t+2); 2 of 3 folds"), md);
    String html = Files.readString(tmp.resolve("cv.html"));
    assertTrue(html.contains("<td>0.733 ± 0.153 [0.600–0.900]</td>"), html);
  }

  @Test
  void statsOfOneValueOrNone() {
    Stats one = Stats.of(List.of(0.4, NAN));
    assertEquals(1, one.n());
    assertEquals(0.0, one.std());
    assertEquals(0.4, one.min());
    Stats none = Stats.of(List.of(NAN));
    assertEquals(0, none.n());
    assertTrue(Double.isNaN(none.mean()));
    assertEquals("n/a", none.format(3));
    assertThrows(IllegalArgumentException.class, () -> CvSummary.of(List.of()));
  }

  @Test
  void foldsValidateOnTheNextSubjectCyclically() {
    CvSettings s =
        new CvSettings(
            Path.of("clips"),
            List.of("a", "b", "c", "d"),
            List.of("d"),
            tmp,
            CvSettings.Recipe.shipped(),
            dim -> null);
    assertEquals("b", s.validationOf("a"));
    assertEquals("a", s.validationOf("d"));
    assertEquals(List.of("b", "c"), s.trainingOf("d"));
    assertEquals(List.of("a", "d"), s.trainingOf("b"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new CvSettings(
                Path.of("clips"),
                List.of("a", "b"),
                List.of("a"),
                tmp,
                CvSettings.Recipe.shipped(),
                dim -> null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new CvSettings(
                Path.of("clips"),
                List.of("a", "b", "c"),
                List.of("z"),
                tmp,
                CvSettings.Recipe.shipped(),
                dim -> null));
  }

  @Test
  void refusesAFileThatIsNotAReport() throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"hello\": 1}");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> FoldMetrics.read(bad, "t", "v", List.of()));
    assertTrue(e.getMessage().contains(bad.toString()));
  }
}
