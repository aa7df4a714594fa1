package io.oad.service;

import io.oad.detector.Detector;
import io.oad.detector.OadtrConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the service finds its detector: an archive given by path, else the shipped default under
 * {@code models/detector} of the installation, else an untrained model of the shipped configuration
 * (named as such).
 */
public final class Models {
  private static final Logger LOG = LoggerFactory.getLogger(Models.class);

  /** Background first, then the Weizmann actions in their label order. */
  public static final List<String> WEIZMANN_CLASSES =
      List.of(
          "background",
          "bend",
          "jack",
          "jump",
          "pjump",
          "run",
          "side",
          "skip",
          "walk",
          "wave1",
          "wave2");

  /** Seed of the untrained fallback, so every run of it computes the same function. */
  public static final long UNTRAINED_SEED = 1L;

  private Models() {}

  /**
   * The configuration the service ships for camera footage, next to the paper's {@link
   * OadtrConfig#thumos()}: the same structure and step rate (4 steps/s, 8 future steps = 2 s), a
   * window of 32 steps (8 s: the Weizmann actions last 1.5 to 6 s) and width 128 instead of 1024,
   * for a small fraction of the paper's cost per step.
   */
  public static OadtrConfig shippedConfig(int featureDim) {
    return new OadtrConfig(
        featureDim, 32, 128, 3, 8, 128, 5, 4, 128, 8, WEIZMANN_CLASSES.size(), 0.1f);
  }

  /** The installation folder (the launcher sets {@code oad.home}); the working folder otherwise. */
  public static Path home() {
    return Path.of(System.getProperty("oad.home", "."));
  }

  /** The default archive folder of this installation. */
  public static Path defaultArchive() {
    return home().resolve("models").resolve("detector");
  }

  /**
   * Loads the detector.
   *
   * @param archive explicit archive, or {@code null} for the default location
   * @param featureDim dimension of the embeddings the extractor produces (used by the untrained
   *     fallback)
   */
  public static Detector detector(Path archive, int featureDim) {
    return detector(archive, () -> featureDim);
  }

  /**
   * As {@link #detector(Path, int)}, asking for the embedding dimension only when the untrained
   * fallback needs it (a role without a backbone of its own need not load one).
   */
  public static Detector detector(Path archive, java.util.function.IntSupplier featureDim) {
    if (archive != null) {
      if (!Files.isDirectory(archive)) {
        throw new IllegalArgumentException("model archive " + archive + " is not a directory");
      }
      return Detector.load(archive);
    }
    Path def = defaultArchive();
    if (Files.isRegularFile(def.resolve("model.json"))) {
      return Detector.load(def);
    }
    LOG.warn(
        "no trained detector at {}: using an UNTRAINED OadTR (seed {}); its predictions carry no meaning",
        def,
        UNTRAINED_SEED);
    return Detector.create(shippedConfig(featureDim.getAsInt()), WEIZMANN_CLASSES, UNTRAINED_SEED);
  }

  /**
   * Refuses a model trained on another extractor's embeddings: its numbers would be meaningless.
   */
  public static void checkExtractor(Detector detector, String extractorId) {
    String expected = detector.featureSpec().extractorId();
    if (expected != null && !expected.equals(extractorId)) {
      throw new IllegalArgumentException(
          "model "
              + detector.modelId()
              + " was trained on embeddings of '"
              + expected
              + "' but the extractor is '"
              + extractorId
              + "'");
    }
  }
}
