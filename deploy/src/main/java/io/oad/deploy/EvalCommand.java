package io.oad.deploy;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.datasets.LstrDataInfo;
import io.oad.datasets.NpyFeatures;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.datasets.compose.ComposedStream;
import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.service.Backbones;
import io.oad.service.Models;
import io.oad.training.Evaluator;
import io.oad.training.eval.DelayReport;
import io.oad.training.eval.DetectionDelay;
import io.oad.training.eval.EvalReport;
import io.oad.training.eval.EvalResult;
import io.oad.training.eval.FrameMetrics;
import io.oad.training.eval.FrameScores;
import io.oad.training.eval.HtmlReport;
import io.oad.training.eval.VideoTimeline;
import io.oad.training.features.WeizmannData;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code oad eval}: per-frame mAP, calibrated mAP, mAP per future step and detection delay of a
 * model, with a JSON report and an HTML page.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a model: per-frame mAP (background skipped, ambiguous frames removed), calibrated mAP, mAP per future",
      "step and detection delay; every frame is scored (windows padded at the start). Writes report.json and",
      "report.html to --out.",
      "Data: --clips DIR --subjects ... (composes streams of those subjects), --features/--targets/--split, or",
      "--lstr-root DIR --feature-folders a,b (the test_session_set of an LSTR data root; classes from data_info.json)."
    })
public final class EvalCommand implements Callable<Integer> {
  @ArgGroup(exclusive = false, heading = "Composed streams from clips:%n")
  Clips clips;

  @ArgGroup(exclusive = false, heading = "Precomputed features:%n")
  Features features;

  @ArgGroup(exclusive = false, heading = "LSTR data root (data_info.json, feature folders):%n")
  DataOptions.Lstr lstr;

  static final class Clips extends DataOptions.Clips {
    @Option(
        names = "--streams-per-subject",
        defaultValue = "1",
        description = "Streams per subject (default: ${DEFAULT-VALUE}).")
    int streamsPerSubject;
  }

  static final class Features extends DataOptions.Features {
    @Option(
        names = "--ambiguous",
        description = "Index of the ambiguous class, removed from evaluation (THUMOS14: 21).")
    Integer ambiguous;
  }

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Model archive (default: models/detector).")
  Path model;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the composed streams (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Report folder.")
  Path out;

  @Option(
      names = "--pipeline",
      description =
          "Also replay the composed videos through ingest, Kafka (in-process broker), extractor and topology, and"
              + " compare the metrics from oad.predictions with the offline ones (clips only).")
  boolean pipeline;

  @Override
  public Integer call() throws Exception {
    int sources = (clips != null ? 1 : 0) + (features != null ? 1 : 0) + (lstr != null ? 1 : 0);
    if (sources != 1) {
      throw new IllegalArgumentException(
          "give one of --clips DIR --subjects ..., --features/--targets/--split or --lstr-root/--feature-folders");
    }
    if (pipeline && clips == null) {
      throw new IllegalArgumentException(
          "--pipeline needs --clips (it replays the composed videos)");
    }
    Files.createDirectories(out);
    try (Backbone backbone = Backbones.defaultBackbone(Models.home());
        Detector detector = Models.detector(model, backbone.dimension())) {
      List<LabeledSequence> data;
      List<ComposedStream> streams = null;
      ClassLayout layout;
      if (clips != null) {
        Models.checkExtractor(detector, backbone.id());
        ClipCatalog catalog = ClipCatalog.load(clips.dir);
        streams =
            WeizmannData.compose(
                catalog,
                WeizmannData.subjects(clips.subjects),
                seed,
                clips.streamsPerSubject,
                out.resolve("streams"));
        data = WeizmannData.embed(streams, backbone, System.out);
        layout = ClassLayout.of(detector.config().numClasses(), 0);
      } else if (lstr != null) {
        LstrDataInfo info = lstr.info();
        List<String> names = info.requireClassNames();
        if (names.size() != detector.config().numClasses()) {
          throw new IllegalArgumentException(
              info.file()
                  + " names "
                  + names.size()
                  + " classes of "
                  + info.dataset()
                  + " but the model has "
                  + detector.config().numClasses());
        }
        if (!names.equals(detector.classNames())) {
          System.out.println(
              "note: the model names its classes "
                  + detector.classNames()
                  + ", "
                  + info.file()
                  + " "
                  + names);
        }
        data = lstr.read(info, info.testSessions(), "test_session_set", System.out);
        layout = info.layout();
      } else {
        data = NpyFeatures.read(features.dir, features.targets, features.split);
        int c = detector.config().numClasses();
        layout =
            features.ambiguous == null
                ? ClassLayout.of(c, 0)
                : ClassLayout.withAmbiguous(c, 0, features.ambiguous);
      }
      Report r = evaluate(detector, data, layout, 1.0 / WeizmannData.STEPS_PER_SECOND);
      r.write(out, detector.classNames());
      r.print(System.out, detector);
      System.out.println(
          "report: " + out.resolve("report.html") + " and " + out.resolve("report.json"));
      if (pipeline) {
        EvalResult live = PipelineEval.run(streams, data, model, layout, out.resolve("pipeline"));
        System.out.printf(
            Locale.ROOT,
            "pipeline per-frame mAP %.4f (offline %.4f, difference %.4f)%n",
            live.mAP(),
            r.result().mAP(),
            Math.abs(live.mAP() - r.result().mAP()));
      }
    }
    return 0;
  }

  /** Metrics of one model on a data set. */
  public record Report(
      EvalResult result, DelayReport delay, List<FrameScores> scores, ClassLayout layout) {
    void write(Path dir, List<String> classNames) {
      EvalReport.write(dir.resolve("report.json"), result, delay, classNames);
      HtmlReport.write(
          dir.resolve("report.html"),
          result,
          scores.stream().map(s -> VideoTimeline.of(layout, s)).toList(),
          classNames);
    }

    void print(PrintStream out, Detector detector) {
      out.printf(
          Locale.ROOT,
          "model %s (%s) on %d videos, %d frames%n",
          detector.modelId(),
          detector.config().variant().label(),
          scores.size(),
          result.evaluatedFrames());
      out.printf(
          Locale.ROOT, "per-frame mAP %.4f   calibrated mAP %.4f%n", result.mAP(), result.mcAP());
      StringBuilder f = new StringBuilder("future-step mAP:");
      for (int k = 1; k <= result.futureMAP().size(); k++) {
        f.append(String.format(Locale.ROOT, " t+%d %.3f", k, result.futureMAP(k)));
      }
      out.println(f);
      out.printf(
          Locale.ROOT,
          "detection: %d/%d action instances detected (%.0f%%), delay mean %.2f s, median %.2f s%n",
          delay.detected(),
          delay.total(),
          100 * delay.detectionRate(),
          delay.meanSeconds(),
          delay.medianSeconds());
      List<String> names = detector.classNames();
      StringBuilder ap = new StringBuilder("per-class AP:");
      for (int c = 0; c < names.size(); c++) {
        if (layout.isAction(c)) {
          ap.append(String.format(Locale.ROOT, " %s %.3f", names.get(c), result.ap(c)));
        }
      }
      out.println(ap);
    }
  }

  public static Report evaluate(
      Detector detector, List<LabeledSequence> data, ClassLayout layout, double stepSeconds) {
    List<FrameScores> scores =
        Evaluator.score(detector, data, layout.ambiguous(), Evaluator.DEFAULT_BATCH);
    return new Report(
        FrameMetrics.evaluate(layout, scores),
        DetectionDelay.measure(layout, scores, stepSeconds),
        scores,
        layout);
  }
}
