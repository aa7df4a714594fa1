package io.oad.training.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oad.datasets.ClassLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an evaluation as JSON: per-class AP and calibrated AP with class names, mAP, mcAP,
 * future-step mAP with its persistence and oracle baselines and, when given, the detection-delay
 * summary with every instance. Undefined values (NaN) are written as {@code null}, so the file is
 * strict JSON.
 */
public final class EvalReport {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private EvalReport() {}

  /** Writes the metrics without detection delay. */
  public static void write(Path out, EvalResult result, List<String> classNames) {
    write(out, result, null, classNames);
  }

  /**
   * Writes the metrics and, if {@code delay} is not null, the detection delay.
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(
      Path out, EvalResult result, DelayReport delay, List<String> classNames) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, toJson(result, delay, classNames));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write evaluation report " + out, e);
    }
  }

  /** The JSON text; {@code delay} may be null. */
  public static String toJson(EvalResult result, DelayReport delay, List<String> classNames) {
    result.layout().checkClassNames(classNames);
    try {
      return MAPPER.writeValueAsString(tree(result, delay, classNames));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise evaluation report", e);
    }
  }

  private static ObjectNode tree(EvalResult r, DelayReport delay, List<String> names) {
    ClassLayout layout = r.layout();
    ObjectNode root = MAPPER.createObjectNode();
    number(root, "mAP", r.mAP());
    number(root, "mcAP", r.mcAP());
    root.put("evaluatedFrames", r.evaluatedFrames());
    root.put("ambiguousFrames", r.ambiguousFrames());
    numbers(root.putArray("futureMAP"), r.futureMAP());
    if (!r.futureMAPPersistence().isEmpty()) {
      numbers(root.putArray("futureMAPPersistence"), r.futureMAPPersistence());
    }
    if (!r.futureMAPOracle().isEmpty()) {
      numbers(root.putArray("futureMAPOracle"), r.futureMAPOracle());
      root.put("futureBeatsPersistence", r.beatsPersistence());
    }
    ArrayNode classes = root.putArray("classes");
    for (int c = 0; c < layout.numClasses(); c++) {
      ObjectNode cls = classes.addObject();
      cls.put("index", c);
      cls.put("name", names.get(c));
      cls.put(
          "role",
          c == layout.background() ? "background" : layout.isAmbiguous(c) ? "ambiguous" : "action");
      number(cls, "ap", r.ap(c));
      number(cls, "cap", r.cap(c));
    }
    if (delay != null) {
      ObjectNode d = root.putObject("detectionDelay");
      d.put("stepSeconds", delay.stepSeconds());
      d.put("instances", delay.total());
      d.put("detected", delay.detected());
      d.put("missed", delay.missed());
      number(d, "detectionRate", delay.detectionRate());
      number(d, "meanSteps", delay.meanSteps());
      number(d, "medianSteps", delay.medianSteps());
      number(d, "meanSeconds", delay.meanSeconds());
      number(d, "medianSeconds", delay.medianSeconds());
      ArrayNode list = d.putArray("perInstance");
      for (ActionInstance i : delay.instances()) {
        ObjectNode n = list.addObject();
        n.put("video", i.videoId());
        n.put("class", i.classIndex());
        n.put("className", names.get(i.classIndex()));
        n.put("start", i.start());
        n.put("length", i.length());
        if (i.detected()) {
          n.put("delaySteps", i.delaySteps().getAsInt());
        } else {
          n.putNull("delaySteps");
        }
      }
    }
    return root;
  }

  private static void numbers(ArrayNode array, List<Double> values) {
    for (double v : values) {
      if (Double.isFinite(v)) {
        array.add(v);
      } else {
        array.addNull();
      }
    }
  }

  private static void number(ObjectNode node, String field, double v) {
    if (Double.isFinite(v)) {
      node.put(field, v);
    } else {
      node.putNull(field);
    }
  }
}
