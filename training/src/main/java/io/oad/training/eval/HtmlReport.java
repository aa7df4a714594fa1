package io.oad.training.eval;

import io.oad.datasets.ClassLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes a self-contained HTML page (inline SVG, no scripts, no external files) for a human to look
 * at an evaluation: a summary table, a per-class AP bar chart, and per video a timeline with the
 * ground-truth class band, the predicted top-class band and the probability of the ground-truth
 * class as a line.
 */
public final class HtmlReport {
  private static final int WIDTH = 900;
  private static final int LABEL_WIDTH = 170;
  private static final int PLOT_WIDTH = WIDTH - LABEL_WIDTH - 60;
  private static final int BAND_HEIGHT = 18;
  private static final int LINE_HEIGHT = 60;

  private HtmlReport() {}

  /**
   * Writes the page.
   *
   * @param classNames one name per class index
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(
      Path out, EvalResult result, List<VideoTimeline> videos, List<String> classNames) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, render(result, videos, classNames));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write HTML report " + out, e);
    }
  }

  /** The page as a string. */
  public static String render(
      EvalResult result, List<VideoTimeline> videos, List<String> classNames) {
    ClassLayout layout = result.layout();
    layout.checkClassNames(classNames);
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Online action detection evaluation</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}")
        .append("svg text{font-size:11px}</style></head><body>\n")
        .append("<h1>Online action detection evaluation</h1>\n");
    summary(h, result);
    h.append("<h2>Per-class AP</h2>\n");
    apChart(h, result, classNames);
    h.append("<h2>Timelines</h2>\n");
    legend(h, layout, classNames);
    for (VideoTimeline v : videos) {
      timeline(h, layout, v, classNames);
    }
    return h.append("</body></html>\n").toString();
  }

  private static void summary(StringBuilder h, EvalResult r) {
    h.append("<table><tr><th>mAP</th><th>mcAP</th><th>frames</th><th>ambiguous frames</th></tr>")
        .append("<tr><td>")
        .append(fmt(r.mAP()))
        .append("</td><td>")
        .append(fmt(r.mcAP()))
        .append("</td><td>")
        .append(r.evaluatedFrames())
        .append("</td><td>")
        .append(r.ambiguousFrames())
        .append("</td></tr></table>\n");
    if (!r.futureMAP().isEmpty()) {
      h.append("<h3>Future-step mAP</h3><table><tr><th></th>");
      for (int k = 1; k <= r.futureMAP().size(); k++) {
        h.append("<th>t+").append(k).append("</th>");
      }
      h.append("</tr>");
      futureRow(h, "model", r.futureMAP());
      if (!r.futureMAPPersistence().isEmpty()) {
        futureRow(h, "persistence (current scores held)", r.futureMAPPersistence());
      }
      if (!r.futureMAPOracle().isEmpty()) {
        futureRow(h, "oracle (knows the current segment)", r.futureMAPOracle());
      }
      h.append("</table>\n");
      if (!r.futureMAPPersistence().isEmpty()) {
        h.append("<p>").append(escape(persistenceVerdict(r))).append("</p>\n");
      }
    }
  }

  private static void futureRow(StringBuilder h, String name, List<Double> values) {
    h.append("<tr><th>").append(escape(name)).append("</th>");
    for (double v : values) {
      h.append("<td>").append(fmt(v)).append("</td>");
    }
    h.append("</tr>");
  }

  /**
   * One sentence: whether the model's future mAP beats persistence at every future step, and if
   * not, at which steps it does not.
   */
  public static String persistenceVerdict(EvalResult r) {
    if (r.beatsPersistence()) {
      return "The model beats persistence at every future step (t+1..t+"
          + r.futureMAP().size()
          + ").";
    }
    return "The model does NOT beat persistence at every future step: not at "
        + r.stepsNotBeatingPersistence().stream().map(k -> "t+" + k).toList()
        + ".";
  }

  private static void apChart(StringBuilder h, EvalResult r, List<String> names) {
    int[] actions = r.layout().actionClasses();
    int row = 16;
    h.append(svgOpen(WIDTH, actions.length * row + 4));
    for (int i = 0; i < actions.length; i++) {
      int c = actions[i];
      int y = i * row;
      double ap = r.ap(c);
      h.append(text(LABEL_WIDTH - 6, y + 12, "end", names.get(c)));
      if (Double.isFinite(ap)) {
        h.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                LABEL_WIDTH,
                y + 2,
                ap * PLOT_WIDTH,
                row - 4,
                color(r.layout(), c)));
      }
      h.append(
          text(
              LABEL_WIDTH + (Double.isFinite(ap) ? ap * PLOT_WIDTH : 0) + 4,
              y + 12,
              "start",
              Double.isFinite(ap) ? fmt(ap) : "n/a (no positives)"));
    }
    h.append("</svg>\n");
  }

  private static void legend(StringBuilder h, ClassLayout layout, List<String> names) {
    h.append("<p>");
    for (int c = 0; c < layout.numClasses(); c++) {
      h.append("<span style=\"display:inline-block;margin-right:10px\">")
          .append("<span style=\"display:inline-block;width:12px;height:12px;background:")
          .append(color(layout, c))
          .append("\"></span> ")
          .append(escape(names.get(c)))
          .append("</span>");
    }
    h.append("</p>\n");
  }

  private static void timeline(
      StringBuilder h, ClassLayout layout, VideoTimeline v, List<String> names) {
    h.append("<h3>").append(escape(v.videoId())).append("</h3>\n");
    int n = v.length();
    if (n == 0) {
      h.append("<p>(no frames)</p>\n");
      return;
    }
    double dx = (double) PLOT_WIDTH / n;
    int lineTop = 2 * BAND_HEIGHT + 12;
    h.append(svgOpen(WIDTH, lineTop + LINE_HEIGHT + 16));
    h.append(text(LABEL_WIDTH - 6, 13, "end", "ground truth"));
    band(h, layout, v.labels(), 0, dx, names);
    h.append(text(LABEL_WIDTH - 6, BAND_HEIGHT + 17, "end", "predicted top class"));
    band(h, layout, v.predicted(), BAND_HEIGHT + 4, dx, names);
    h.append(text(LABEL_WIDTH - 6, lineTop + LINE_HEIGHT / 2 + 4, "end", "P(ground truth)"));
    h.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#bbb\"/>",
            LABEL_WIDTH,
            lineTop,
            PLOT_WIDTH,
            LINE_HEIGHT));
    double[] p = v.groundTruthProbability();
    h.append("<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"1.2\" points=\"");
    for (int t = 0; t < n; t++) {
      double y = lineTop + LINE_HEIGHT * (1 - Math.max(0, Math.min(1, p[t])));
      h.append(String.format(Locale.ROOT, "%.1f,%.1f ", LABEL_WIDTH + (t + 0.5) * dx, y));
    }
    h.append("\"/>");
    h.append(text(LABEL_WIDTH, lineTop + LINE_HEIGHT + 13, "start", "0"));
    h.append(text(LABEL_WIDTH + PLOT_WIDTH, lineTop + LINE_HEIGHT + 13, "end", n + " steps"));
    h.append("</svg>\n");
  }

  /** One rectangle per run of equal classes, with the class name as tooltip. */
  private static void band(
      StringBuilder h, ClassLayout layout, int[] classes, int y, double dx, List<String> names) {
    int t = 0;
    while (t < classes.length) {
      int end = t;
      while (end < classes.length && classes[end] == classes[t]) {
        end++;
      }
      h.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\">",
                  LABEL_WIDTH + t * dx,
                  y,
                  (end - t) * dx,
                  BAND_HEIGHT,
                  color(layout, classes[t])))
          .append("<title>")
          .append(escape(names.get(classes[t])))
          .append(" [")
          .append(t)
          .append(", ")
          .append(end)
          .append(")</title></rect>");
      t = end;
    }
  }

  /** Background light grey, ambiguous dark grey, actions spread around the hue circle. */
  static String color(ClassLayout layout, int c) {
    if (c == layout.background()) {
      return "#e4e4e4";
    }
    if (layout.isAmbiguous(c)) {
      return "#888888";
    }
    return String.format(Locale.ROOT, "hsl(%d,65%%,50%%)", (c * 137) % 360);
  }

  private static String svgOpen(int width, int height) {
    return String.format(
        Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">",
        width,
        height);
  }

  private static String text(double x, double y, String anchor, String s) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>",
        x,
        y,
        anchor,
        escape(s));
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
