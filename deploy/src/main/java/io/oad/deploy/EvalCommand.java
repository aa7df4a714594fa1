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
import io.oad.training.Evaluation;
import io.oad.training.cv.CrossValidation;
import io.oad.training.cv.CvSettings;
import io.oad.training.eval.EvalResult;
import io.oad.training.features.WeizmannData;
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
        description = "Streams per subject (default: 1; not with --cv).")
    Integer streamsPerSubject;
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
      description = "Seed of the composed streams (default: 1; not with --cv).")
  Long seed;

  @Option(
      names = "--backbone",
      paramLabel = "DIR",
      description = "Backbone folder (clips only; default: <oad.home>/models/backbone).")
  Path backboneDir;

  @ArgGroup(exclusive = false, heading = "Leave-one-subject-out cross-validation (with --clips):%n")
  CvOptions cv;

  /** Options of {@code --cv}; the defaults are the shipped recipe. */
  static final class CvOptions {
    @Option(
        names = "--cv",
        required = true,
        description =
            "Cross-validate the whole recipe over the subjects of --clips: per fold (test subject S_i, validation"
                + " S_i+1, training the rest) train the backbone and OadTR from scratch and evaluate S_i; folds go to"
                + " --out/<S_i>/ and are reused when their models' .done markers exist; writes cv.json, cv.md and"
                + " cv.html to --out.")
    boolean enabled;

    @Option(
        names = "--cv-subjects",
        paramLabel = "a,b,c",
        description = "Subjects in fold order (default: every subject of manifest.csv, sorted).")
    String subjects;

    @Option(
        names = "--cv-folds",
        paramLabel = "a,b",
        description = "Test subjects of the folds to run now (default: every --cv-subjects).")
    String folds;

    @Option(
        names = "--cv-backbone-epochs",
        defaultValue = "20",
        description = "Backbone epochs per fold (default: ${DEFAULT-VALUE}).")
    int backboneEpochs;

    @Option(
        names = "--cv-backbone-streams",
        defaultValue = "5",
        description = "Backbone streams per training subject (default: ${DEFAULT-VALUE}).")
    int backboneStreams;

    @Option(
        names = "--cv-detector-epochs",
        defaultValue = "8",
        description = "OadTR epochs per fold (default: ${DEFAULT-VALUE}).")
    int detectorEpochs;

    @Option(
        names = "--cv-detector-streams",
        defaultValue = "4",
        description = "OadTR streams per training subject (default: ${DEFAULT-VALUE}).")
    int detectorStreams;

    @Option(
        names = "--cv-train-seed",
        defaultValue = "1",
        description = "Seed of both trainings and their streams (default: ${DEFAULT-VALUE}).")
    long trainSeed;

    @Option(
        names = "--cv-eval-streams",
        defaultValue = "3",
        description = "Composed streams of the test subject (default: ${DEFAULT-VALUE}).")
    int evalStreams;

    @Option(
        names = "--cv-eval-seed",
        defaultValue = "7",
        description = "Seed of the test subject's streams (default: ${DEFAULT-VALUE}).")
    long evalSeed;
  }

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
    if (cv != null) {
      return crossValidate();
    }
    if (clips != null && clips.subjects == null) {
      throw new IllegalArgumentException("--clips needs --subjects (or --cv)");
    }
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
    try (Backbone backbone = Backbones.of(backboneDir, Models.home());
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
                seed == null ? 1 : seed,
                clips.streamsPerSubject == null ? 1 : clips.streamsPerSubject,
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
      Evaluation r = evaluate(detector, data, layout, 1.0 / WeizmannData.STEPS_PER_SECOND);
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

  private int crossValidate() {
    if (clips == null || features != null || lstr != null) {
      throw new IllegalArgumentException(
          "--cv needs --clips DIR (and no --features or --lstr-root)");
    }
    if (clips.subjects != null
        || clips.streamsPerSubject != null
        || seed != null
        || model != null
        || backboneDir != null
        || pipeline) {
      throw new IllegalArgumentException(
          "--cv trains its own models per fold: use --cv-subjects, --cv-eval-streams and --cv-eval-seed"
              + " instead of --subjects, --streams-per-subject, --seed, --model, --backbone, --pipeline");
    }
    List<String> subjects =
        cv.subjects == null
            ? ClipCatalog.load(clips.dir).subjects()
            : WeizmannData.subjects(cv.subjects);
    List<String> folds = cv.folds == null ? subjects : WeizmannData.subjects(cv.folds);
    CvSettings.Recipe shipped = CvSettings.Recipe.shipped();
    CvSettings.Recipe recipe =
        new CvSettings.Recipe(
            cv.backboneEpochs,
            cv.backboneStreams,
            cv.trainSeed,
            cv.detectorEpochs,
            cv.detectorStreams,
            cv.trainSeed,
            shipped.learningRate(),
            shipped.lrDecayEvery(),
            cv.evalStreams,
            cv.evalSeed);
    CrossValidation.run(
        new CvSettings(clips.dir, subjects, folds, out, recipe, Models::shippedConfig), System.out);
    return 0;
  }

  /** Scores {@code data} with {@code detector} and computes every metric. */
  public static Evaluation evaluate(
      Detector detector, List<LabeledSequence> data, ClassLayout layout, double stepSeconds) {
    return Evaluation.of(detector, data, layout, stepSeconds);
  }
}
