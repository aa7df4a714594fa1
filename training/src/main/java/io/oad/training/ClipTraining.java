package io.oad.training;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.detector.OadtrConfig;
import io.oad.extractor.Backbone;
import io.oad.training.features.WeizmannData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The data and defaults of {@code oad train --clips}: composed streams of the training subjects
 * (seeds {@code seed}...) and one stream per validation subject (seeds {@code seed + 1000}...),
 * embedded by a given backbone, and the clip schedule (12 epochs, batch 32, lr 1e-4, x0.1 every 5
 * epochs).
 */
public final class ClipTraining {
  private ClipTraining() {}

  /** Embedded training and validation streams. */
  public record Data(List<LabeledSequence> train, List<LabeledSequence> val) {}

  /**
   * Composes the streams into {@code workDir}/streams-train and streams-val and embeds them.
   *
   * @throws IllegalArgumentException if a subject is in both lists
   */
  public static Data data(
      ClipCatalog catalog,
      List<String> trainSubjects,
      List<String> valSubjects,
      long seed,
      int streamsPerSubject,
      Path workDir,
      Backbone backbone,
      PrintStream log) {
    for (String s : valSubjects) {
      if (trainSubjects.contains(s)) {
        throw new IllegalArgumentException(
            "subject " + s + " is in both --subjects and --val-subjects");
      }
    }
    List<LabeledSequence> train =
        WeizmannData.embed(
            WeizmannData.compose(
                catalog, trainSubjects, seed, streamsPerSubject, workDir.resolve("streams-train")),
            backbone,
            log);
    return new Data(train, validation(catalog, valSubjects, seed, workDir, backbone, log));
  }

  /**
   * The validation streams of {@link #data} alone (one per subject, seeds {@code seed + 1000}...),
   * composed into {@code workDir}/streams-val and embedded; empty without subjects.
   */
  public static List<LabeledSequence> validation(
      ClipCatalog catalog,
      List<String> valSubjects,
      long seed,
      Path workDir,
      Backbone backbone,
      PrintStream log) {
    return valSubjects.isEmpty()
        ? List.of()
        : WeizmannData.embed(
            WeizmannData.compose(
                catalog, valSubjects, seed + 1000, 1, workDir.resolve("streams-val")),
            backbone,
            log);
  }

  /** The clip defaults for {@code model}, recording the backbone's id in the archive. */
  public static TrainConfig.Builder defaults(
      OadtrConfig model, List<String> classNames, String backboneId, long seed) {
    return TrainConfig.builder(model, classNames, ClassLayout.of(model.numClasses(), 0))
        .optEpochs(12)
        .optBatchSize(32)
        .optLearningRate(1e-4f)
        .optLrDecayEvery(5)
        .optExtractorId(backboneId)
        .optModelId("oadtr-weizmann-s" + seed);
  }

  /** Replaces the folder {@code to} with the files of the archive {@code from}. */
  public static void copyArchive(Path from, Path to) throws IOException {
    if (Files.exists(to)) {
      try (var paths = Files.walk(to)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
  }
}
