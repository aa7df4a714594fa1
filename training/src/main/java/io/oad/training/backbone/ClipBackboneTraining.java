package io.oad.training.backbone;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.extractor.FrameTensors;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.extractor.TwoStreamConfig;
import io.oad.training.backbone.BackboneTrainer.Sample;
import io.oad.training.features.WeizmannData;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recipe of {@code oad train-backbone}: the two-stream backbone trained as a frame classifier
 * on composed streams of training subjects (seeds {@code seed}...), validated on two streams per
 * validation subject (seeds {@code seed + 1000}...), written with {@value #REPORT} next to the
 * weights.
 */
public final class ClipBackboneTraining {
  /** The training record written next to the weights. */
  public static final String REPORT = "training.json";

  private ClipBackboneTraining() {}

  /** What to train on and for how long. */
  public record Spec(
      List<String> trainSubjects,
      List<String> valSubjects,
      int streamsPerSubject,
      long seed,
      int epochs) {
    public Spec {
      trainSubjects = List.copyOf(trainSubjects);
      valSubjects = List.copyOf(valSubjects);
      for (String s : valSubjects) {
        if (trainSubjects.contains(s)) {
          throw new IllegalArgumentException(
              "subject " + s + " is in both the training and the validation subjects");
        }
      }
      if (streamsPerSubject <= 0 || epochs <= 0) {
        throw new IllegalArgumentException(
            "streams per subject and epochs must be positive, got "
                + streamsPerSubject
                + " and "
                + epochs);
      }
    }
  }

  /** The last epoch's numbers. */
  public record Summary(String id, BackboneTrainer.EpochStats last, double seconds) {}

  /**
   * Trains and writes the backbone folder {@code outDir}; composed streams go to {@code workDir}.
   */
  public static Summary train(
      ClipCatalog catalog, Spec spec, Path outDir, Path workDir, PrintStream log) {
    TwoStreamConfig network =
        new TwoStreamConfig(
            TwoStreamConfig.defaults().width(),
            TwoStreamConfig.defaults().height(),
            TwoStreamConfig.defaults().channels(),
            TwoStreamConfig.defaults().dimension(),
            catalog.classNames().size());
    FrameTensors tensors = new FrameTensors(network.width(), network.height());
    long t0 = System.nanoTime();
    List<Sample> trainSamples =
        BackboneDataset.samples(
            WeizmannData.compose(
                catalog,
                spec.trainSubjects(),
                spec.seed(),
                spec.streamsPerSubject(),
                workDir.resolve("streams-train")),
            tensors,
            log);
    List<Sample> valSamples =
        spec.valSubjects().isEmpty()
            ? List.of()
            : BackboneDataset.samples(
                WeizmannData.compose(
                    catalog,
                    spec.valSubjects(),
                    spec.seed() + 1000,
                    2,
                    workDir.resolve("streams-val")),
                tensors,
                log);
    BackboneTrainer.Options options =
        BackboneTrainer.Options.defaults(network, spec.seed()).withEpochs(spec.epochs());
    BackboneTrainer.Result result = BackboneTrainer.train(options, trainSamples, valSamples, log);
    try (TwoStreamBackbone backbone = result.backbone()) {
      backbone.save(outDir);
      BackboneTrainer.EpochStats last = result.epochs().get(result.epochs().size() - 1);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("id", backbone.id());
      report.put("classNames", catalog.classNames());
      report.put("trainSubjects", spec.trainSubjects());
      report.put("valSubjects", spec.valSubjects());
      report.put("streamsPerSubject", spec.streamsPerSubject());
      report.put("seed", spec.seed());
      report.put("trainSamples", trainSamples.size());
      report.put("valSamples", valSamples.size());
      report.put("options", options);
      report.put("epochs", result.epochs());
      try {
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(outDir.resolve(REPORT).toFile(), report);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + outDir.resolve(REPORT), e);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      log.printf(
          Locale.ROOT,
          "wrote backbone %s to %s in %.0f s: final train acc %.3f, val acc %.3f, balanced %.3f (%s)%n",
          backbone.id(),
          outDir,
          seconds,
          last.trainAccuracy(),
          last.valAccuracy(),
          last.valBalancedAccuracy(),
          spec.valSubjects().isEmpty()
              ? "no validation subjects"
              : String.join(",", spec.valSubjects()));
      return new Summary(backbone.id(), last, seconds);
    }
  }
}
