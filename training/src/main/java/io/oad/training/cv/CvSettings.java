package io.oad.training.cv;

import io.oad.detector.OadtrConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * What a leave-one-subject-out cross-validation runs. The subjects define the folds: the fold of
 * test subject S_i validates on S_{i+1 mod n} and trains on the others. {@code folds} chooses which
 * of those folds this run computes (all by default).
 *
 * @param clips clips folder in the Weizmann layout
 * @param subjects the subjects, in fold order (at least 3)
 * @param folds test subjects of the folds to run, each one of {@code subjects}
 * @param out folder of the folds ({@code out/<test subject>/}) and of cv.json, cv.md, cv.html
 * @param recipe how each fold trains and evaluates
 * @param model the OadTR configuration for an embedding dimension (the shipped one)
 */
public record CvSettings(
    Path clips,
    List<String> subjects,
    List<String> folds,
    Path out,
    Recipe recipe,
    IntFunction<OadtrConfig> model) {

  public CvSettings {
    Objects.requireNonNull(clips, "clips");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(recipe, "recipe");
    Objects.requireNonNull(model, "model");
    subjects = List.copyOf(subjects);
    folds = List.copyOf(folds);
    if (subjects.size() < 3) {
      throw new IllegalArgumentException(
          "cross-validation needs at least 3 subjects (test, validation, training), got "
              + subjects);
    }
    if (subjects.stream().distinct().count() != subjects.size()) {
      throw new IllegalArgumentException("a subject is listed twice: " + subjects);
    }
    for (String f : folds) {
      if (!subjects.contains(f)) {
        throw new IllegalArgumentException(
            "fold " + f + " is not one of the cross-validation subjects " + subjects);
      }
    }
    if (folds.isEmpty()) {
      throw new IllegalArgumentException("no fold to run");
    }
  }

  /** The validation subject of the fold of {@code test}: the next subject, cyclically. */
  public String validationOf(String test) {
    int i = subjects.indexOf(test);
    return subjects.get((i + 1) % subjects.size());
  }

  /** The training subjects of the fold of {@code test}: all but the test and validation ones. */
  public List<String> trainingOf(String test) {
    String val = validationOf(test);
    return subjects.stream().filter(s -> !s.equals(test) && !s.equals(val)).toList();
  }

  /**
   * Training and evaluation settings of every fold. The shipped recipe is {@link #shipped()}.
   *
   * @param backboneEpochs epochs of the backbone
   * @param backboneStreams composed streams per training subject for the backbone
   * @param backboneSeed seed of the backbone's streams and training
   * @param detectorEpochs epochs of OadTR
   * @param detectorStreams composed streams per training subject for OadTR
   * @param detectorSeed seed of OadTR's streams and training
   * @param learningRate OadTR's learning rate
   * @param lrDecayEvery epochs between lr x 0.1 steps
   * @param evalStreams composed streams of the test subject
   * @param evalSeed seed of the test subject's streams
   */
  public record Recipe(
      int backboneEpochs,
      int backboneStreams,
      long backboneSeed,
      int detectorEpochs,
      int detectorStreams,
      long detectorSeed,
      float learningRate,
      int lrDecayEvery,
      int evalStreams,
      long evalSeed) {

    public Recipe {
      if (backboneEpochs <= 0
          || backboneStreams <= 0
          || detectorEpochs <= 0
          || detectorStreams <= 0
          || lrDecayEvery <= 0
          || evalStreams <= 0
          || !(learningRate > 0)) {
        throw new IllegalArgumentException("every count and the learning rate must be positive");
      }
    }

    /**
     * The recipe of the shipped models: backbone 20 epochs on 5 streams per subject, OadTR 8 epochs
     * on 4 streams per subject at lr 5e-4 (x0.1 every 4 epochs), both seed 1; the test subject's 3
     * streams of seed 7.
     */
    public static Recipe shipped() {
      return new Recipe(20, 5, 1, 8, 4, 1, 5e-4f, 4, 3, 7);
    }
  }
}
