package io.oad.training.cv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.detector.Detector;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.training.ClipTraining;
import io.oad.training.EpochStats;
import io.oad.training.Evaluation;
import io.oad.training.Evaluator;
import io.oad.training.FutureBlendFit;
import io.oad.training.TrainConfig;
import io.oad.training.TrainResult;
import io.oad.training.Trainer;
import io.oad.training.backbone.ClipBackboneTraining;
import io.oad.training.features.WeizmannData;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Leave-one-subject-out cross-validation of the whole recipe ({@code oad eval --cv}): per fold the
 * backbone is trained from scratch on the training subjects, OadTR on that backbone's embeddings,
 * and the model is evaluated on the held-out subject's composed streams.
 *
 * <p>Layout of {@code out/<test subject>/}: {@code models/backbone/} (with an empty {@value #DONE}
 * once complete), {@code work-backbone/}, {@code models/detector/} (with {@value #DONE}), {@code
 * work-detector/}, {@code eval/report.json} and {@code eval/report.html}. A model whose marker
 * exists is reused, not retrained, so an interrupted run resumes at the first unfinished model and
 * folds computed elsewhere in this layout are only re-evaluated. A retrained backbone invalidates
 * the fold's detector. Every fold is evaluated again on each run (cheap next to training), so the
 * reports always have the current metrics.
 */
public final class CrossValidation {
  /** The marker of a complete model folder. */
  public static final String DONE = ".done";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CrossValidation() {}

  /**
   * Runs the folds of {@code settings.folds()}, writes cv.json, cv.md and cv.html, and returns the
   * aggregate.
   */
  public static CvSummary run(CvSettings settings, PrintStream log) {
    ClipCatalog catalog = ClipCatalog.load(settings.clips());
    for (String s : settings.subjects()) {
      if (!catalog.subjects().contains(s)) {
        throw new IllegalArgumentException(
            "subject "
                + s
                + " is not in "
                + settings.clips().resolve("manifest.csv")
                + " (subjects: "
                + catalog.subjects()
                + ")");
      }
    }
    List<String> folds = settings.folds();
    List<FoldMetrics> metrics = new ArrayList<>();
    List<Double> trainedSeconds = new ArrayList<>();
    List<Double> reusedSeconds = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < folds.size(); i++) {
      String test = folds.get(i);
      long t0 = System.nanoTime();
      log.printf(
          Locale.ROOT,
          "[cv] fold %d/%d: test %s, validation %s, training %s%n",
          i + 1,
          folds.size(),
          test,
          settings.validationOf(test),
          String.join(",", settings.trainingOf(test)));
      boolean trained = runFold(settings, catalog, test, log);
      metrics.add(
          FoldMetrics.read(
              foldDir(settings, test).resolve("eval").resolve("report.json"),
              test,
              settings.validationOf(test),
              settings.trainingOf(test)));
      double seconds = (System.nanoTime() - t0) / 1e9;
      (trained ? trainedSeconds : reusedSeconds).add(seconds);
      FoldMetrics m = metrics.get(metrics.size() - 1);
      log.printf(
          Locale.ROOT,
          "[cv] fold %d/%d (%s) done in %s (%s): mAP %.4f, t+1 mAP %.4f; %s%n",
          i + 1,
          folds.size(),
          test,
          clock(seconds),
          trained ? "trained" : "models reused, re-evaluated",
          m.mAP(),
          m.futureMAP().isEmpty() ? Double.NaN : m.futureMAP().get(0),
          eta(settings, folds.subList(i + 1, folds.size()), trainedSeconds, reusedSeconds));
    }
    CvSummary summary = CvSummary.of(metrics);
    summary.write(settings.out(), settingsRecord(settings));
    log.printf(
        Locale.ROOT,
        "[cv] %d folds in %s: mAP %s, mcAP %s%n[cv] %s%n[cv] summary: %s, %s, %s%n",
        folds.size(),
        clock((System.nanoTime() - start) / 1e9),
        summary.mAP().format(4),
        summary.mcAP().format(4),
        summary.persistenceVerdict(),
        settings.out().resolve("cv.json"),
        settings.out().resolve("cv.md"),
        settings.out().resolve("cv.html"));
    return summary;
  }

  /** The folder of the fold of {@code test}. */
  public static Path foldDir(CvSettings settings, String test) {
    return settings.out().resolve(test);
  }

  /** Whether both models of the fold of {@code test} are complete. */
  public static boolean complete(CvSettings settings, String test) {
    Path models = foldDir(settings, test).resolve("models");
    return Files.exists(models.resolve("backbone").resolve(DONE))
        && Files.exists(models.resolve("detector").resolve(DONE));
  }

  /** Trains what is missing and evaluates; true if anything was trained. */
  private static boolean runFold(
      CvSettings settings, ClipCatalog catalog, String test, PrintStream log) {
    CvSettings.Recipe r = settings.recipe();
    String val = settings.validationOf(test);
    List<String> train = settings.trainingOf(test);
    Path fold = foldDir(settings, test);
    Path backboneDir = fold.resolve("models").resolve("backbone");
    Path detectorDir = fold.resolve("models").resolve("detector");
    boolean trained = false;
    try {
      if (Files.exists(backboneDir.resolve(DONE))) {
        checkBackboneSubjects(backboneDir, train, val);
        log.println("[cv]   backbone: reusing " + backboneDir);
      } else {
        log.println("[cv]   backbone: training (" + r.backboneEpochs() + " epochs)");
        Files.deleteIfExists(detectorDir.resolve(DONE)); // trained on another backbone
        ClipBackboneTraining.train(
            catalog,
            new ClipBackboneTraining.Spec(
                train, List.of(val), r.backboneStreams(), r.backboneSeed(), r.backboneEpochs()),
            backboneDir,
            fold.resolve("work-backbone"),
            log);
        Files.createFile(backboneDir.resolve(DONE));
        trained = true;
      }
      try (TwoStreamBackbone backbone = TwoStreamBackbone.load(backboneDir)) {
        if (Files.exists(detectorDir.resolve(DONE))) {
          log.println("[cv]   detector: reusing " + detectorDir);
        } else {
          log.println("[cv]   detector: training (" + r.detectorEpochs() + " epochs)");
          trainDetector(settings, catalog, train, val, backbone, fold, detectorDir, log);
          Files.createFile(detectorDir.resolve(DONE));
          trained = true;
        }
        evaluate(settings, catalog, test, backbone, backboneDir, detectorDir, fold, log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("fold " + test + " in " + fold + ": " + e.getMessage(), e);
    }
    return trained;
  }

  private static void trainDetector(
      CvSettings settings,
      ClipCatalog catalog,
      List<String> train,
      String val,
      TwoStreamBackbone backbone,
      Path fold,
      Path detectorDir,
      PrintStream log)
      throws IOException {
    CvSettings.Recipe r = settings.recipe();
    Path work = fold.resolve("work-detector");
    Files.createDirectories(work);
    ClipTraining.Data data =
        ClipTraining.data(
            catalog,
            train,
            List.of(val),
            r.detectorSeed(),
            r.detectorStreams(),
            work,
            backbone,
            log);
    TrainConfig config =
        ClipTraining.defaults(
                settings.model().apply(backbone.dimension()),
                catalog.classNames(),
                backbone.id(),
                r.detectorSeed())
            .optEpochs(r.detectorEpochs())
            .optLearningRate(r.learningRate())
            .optLrDecayEvery(r.lrDecayEvery())
            .optSeed(r.detectorSeed())
            .optResume(false)
            .build();
    TrainResult result =
        Trainer.train(config, data.train(), data.val(), work.resolve("checkpoints"));
    for (EpochStats e : result.epochs()) {
      log.println("[cv]   detector epoch " + e);
    }
    ClipTraining.copyArchive(result.archive(), detectorDir);
  }

  private static void evaluate(
      CvSettings settings,
      ClipCatalog catalog,
      String test,
      TwoStreamBackbone backbone,
      Path backboneDir,
      Path detectorDir,
      Path fold,
      PrintStream log)
      throws IOException {
    CvSettings.Recipe r = settings.recipe();
    Path evalDir = fold.resolve("eval");
    try (Detector detector = Detector.load(detectorDir)) {
      String expected = detector.featureSpec().extractorId();
      if (expected != null && !expected.equals(backbone.id())) {
        throw new IllegalStateException(
            "fold "
                + test
                + ": the detector in "
                + detectorDir
                + " was trained on embeddings of '"
                + expected
                + "' but the fold's backbone in "
                + backboneDir
                + " is '"
                + backbone.id()
                + "'; delete "
                + detectorDir.resolve(DONE)
                + " to retrain it");
      }
      ClassLayout layout = ClassLayout.of(detector.config().numClasses(), 0);
      FutureBlendFit fit = null;
      if (detector.futureBlend().isNone()) {
        String val = settings.validationOf(test);
        log.println("[cv]   detector has no future blend: fitting it on validation subject " + val);
        List<LabeledSequence> valData =
            ClipTraining.validation(
                catalog, List.of(val), r.detectorSeed(), evalDir, backbone, log);
        fit = FutureBlendFit.fit(detector, valData, layout, Evaluator.DEFAULT_BATCH);
        detector.setFutureBlend(fit.blend());
        log.println("[cv]   " + fit.describe());
      }
      List<LabeledSequence> data =
          WeizmannData.embed(
              WeizmannData.compose(
                  catalog,
                  List.of(test),
                  r.evalSeed(),
                  r.evalStreams(),
                  evalDir.resolve("streams")),
              backbone,
              log);
      Evaluation e = Evaluation.of(detector, data, layout, 1.0 / WeizmannData.STEPS_PER_SECOND);
      e.write(evalDir, detector.classNames());
      recordBlend(evalDir.resolve("report.json"), detector, fit);
      e.print(log, detector);
    }
  }

  /**
   * Adds the future blend the fold was evaluated with to its report: {@code futureBlend} (weights
   * per offset, empty for none) and {@code futureBlendSource} ("archive" or "fitted on validation
   * subject"), with the validation mAPs of a fit.
   */
  private static void recordBlend(Path report, Detector detector, FutureBlendFit fit)
      throws IOException {
    ObjectNode root = (ObjectNode) MAPPER.readTree(report.toFile());
    ArrayNode weights = root.putArray("futureBlend");
    detector.futureBlend().weights().forEach(weights::add);
    root.put("futureBlendSource", fit == null ? "archive" : "fitted on validation subject");
    if (fit != null) {
      ArrayNode raw = root.putArray("futureBlendValidationUnblendedMAP");
      fit.unblendedMAP().forEach(raw::add);
      ArrayNode blended = root.putArray("futureBlendValidationMAP");
      fit.blendedMAP().forEach(blended::add);
    }
    MAPPER.writerWithDefaultPrettyPrinter().writeValue(report.toFile(), root);
  }

  /** Refuses a reused backbone trained on other subjects than the fold's. */
  private static void checkBackboneSubjects(Path backboneDir, List<String> train, String val)
      throws IOException {
    Path record = backboneDir.resolve(ClipBackboneTraining.REPORT);
    if (!Files.exists(record)) {
      return; // nothing recorded to compare with
    }
    JsonNode root = MAPPER.readTree(record.toFile());
    List<String> recordedTrain = new ArrayList<>();
    root.path("trainSubjects").forEach(n -> recordedTrain.add(n.asText()));
    List<String> recordedVal = new ArrayList<>();
    root.path("valSubjects").forEach(n -> recordedVal.add(n.asText()));
    if (!new HashSet<>(recordedTrain).equals(new HashSet<>(train))
        || !recordedVal.equals(List.of(val))) {
      throw new IllegalStateException(
          record
              + " records a backbone trained on "
              + recordedTrain
              + " (validation "
              + recordedVal
              + "), but this fold trains on "
              + train
              + " (validation ["
              + val
              + "]): the fold folder belongs to another set of subjects");
    }
  }

  /**
   * "ETA m:ss": the folds left, each at the mean time of the done folds of its kind (training, or
   * reused models); a kind not seen yet counts at the other kind's mean.
   */
  static String eta(
      CvSettings settings, List<String> left, List<Double> trained, List<Double> reused) {
    if (left.isEmpty()) {
      return "no folds left";
    }
    double meanTrained = trained.stream().mapToDouble(d -> d).average().orElse(Double.NaN);
    double meanReused = reused.stream().mapToDouble(d -> d).average().orElse(Double.NaN);
    double total = 0;
    for (String f : left) {
      double m = complete(settings, f) ? meanReused : meanTrained;
      if (Double.isNaN(m)) {
        m = Double.isNaN(meanTrained) ? meanReused : meanTrained;
      }
      total += m;
    }
    return "ETA " + clock(total) + " for " + left.size() + " fold(s) left";
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private static Map<String, Object> settingsRecord(CvSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clips", s.clips().toString());
    m.put("subjects", s.subjects());
    m.put("folds", s.folds());
    m.put("recipe", s.recipe());
    m.put("foldLayout", "<test>/models/backbone, <test>/models/detector, <test>/eval/report.json");
    return m;
  }
}
