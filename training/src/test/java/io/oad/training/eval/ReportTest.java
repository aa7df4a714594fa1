package io.oad.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.datasets.ClassLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  private static final double EPS = 1e-12;
  private static final ClassLayout LAYOUT = ClassLayout.withAmbiguous(4, 0, 3);
  private static final List<String> NAMES =
      List.of("Background", "Cliff<Diving>", "LongJump", "Ambiguous");

  // class 1: 0.8(+) 0.7(-) 0.6(+) -> AP (1 + 2/3) / 2 = 5/6; class 2 never labelled -> NaN
  private static final FrameScores VIDEO =
      FrameScores.of(
          "video_test_0001",
          new int[] {1, 0, 1, 3},
          new double[][] {
            {0.1, 0.8, 0.1, 0.0}, {0.2, 0.7, 0.1, 0.0}, {0.3, 0.6, 0.1, 0.0}, {0.1, 0.1, 0.1, 0.7}
          });

  @TempDir Path dir;

  @Test
  void shouldWriteStrictJsonWithClassNamesValuesAndNullsForUndefined() throws Exception {
    EvalResult result = FrameMetrics.evaluate(LAYOUT, List.of(VIDEO));
    DelayReport delay = DetectionDelay.measure(LAYOUT, List.of(VIDEO), 0.25);
    Path out = dir.resolve("nested/eval.json");

    EvalReport.write(out, result, delay, NAMES);

    JsonNode json = new ObjectMapper().readTree(Files.readString(out));
    assertEquals(5.0 / 6.0, json.get("mAP").asDouble(), EPS);
    assertEquals(3, json.get("evaluatedFrames").asInt());
    assertEquals(1, json.get("ambiguousFrames").asInt());
    JsonNode classes = json.get("classes");
    assertEquals(4, classes.size());
    assertEquals("Cliff<Diving>", classes.get(1).get("name").asText());
    assertEquals("action", classes.get(1).get("role").asText());
    assertEquals(5.0 / 6.0, classes.get(1).get("ap").asDouble(), EPS);
    assertTrue(classes.get(2).get("ap").isNull(), "no positives -> null");
    assertEquals("ambiguous", classes.get(3).get("role").asText());
    // instances of class 1 at t=0 (top 1 -> delay 0) and t=2 (top 1 -> delay 0)
    JsonNode d = json.get("detectionDelay");
    assertEquals(2, d.get("instances").asInt());
    assertEquals(1.0, d.get("detectionRate").asDouble(), EPS);
    assertEquals("Cliff<Diving>", d.get("perInstance").get(0).get("className").asText());
  }

  @Test
  void shouldWriteSelfContainedHtmlWithChartAndOneTimelinePerVideo() throws Exception {
    EvalResult result = FrameMetrics.evaluate(LAYOUT, List.of(VIDEO));
    FrameScores other =
        FrameScores.of("second", new int[] {2, 2}, new double[][] {{0, 0, 1, 0}, {1, 0, 0, 0}});
    List<VideoTimeline> timelines =
        List.of(VideoTimeline.of(LAYOUT, VIDEO), VideoTimeline.of(LAYOUT, other));
    Path out = dir.resolve("eval.html");

    HtmlReport.write(out, result, timelines, NAMES);

    String html = Files.readString(out);
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("Cliff&lt;Diving&gt;"), "class names are escaped");
    assertFalse(html.contains("Cliff<Diving>"));
    assertTrue(html.contains("LongJump"));
    assertTrue(html.contains("0.8333"), "AP of class 1 is shown");
    assertTrue(html.contains("video_test_0001") && html.contains("second"));
    assertEquals(2, count(html, "<polyline"), "one probability line per video");
    assertFalse(html.contains("<script"), "no scripts needed");
    assertFalse(html.contains("http://") && html.contains("src="), "no external resources");
  }

  @Test
  void shouldDeriveTimelineFromScores() {
    VideoTimeline t = VideoTimeline.of(LAYOUT, VIDEO);
    // frame 3: ambiguous scores 0.7 but is never the predicted class; ties go to the lowest index
    assertEquals(List.of(1, 1, 1, 0), boxed(t.predicted()));
    assertEquals(0.8, t.groundTruthProbability()[0], EPS);
    assertEquals(0.2, t.groundTruthProbability()[1], EPS);
  }

  private static List<Integer> boxed(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
