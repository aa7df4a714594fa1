package io.oad.bench;

import io.oad.detector.Detector;
import io.oad.detector.OadtrConfig;
import io.oad.detector.OadtrVariant;
import io.oad.extractor.Backbone;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.service.Backbones;
import io.oad.service.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The models the benchmark measures, chosen the way the service chooses them: the installed
 * archives under {@code models/} of the installation when present, else seeded untrained models of
 * the same shapes (whose cost is the same: the weights' values do not change the work).
 */
final class BenchModels {
  /** Seed of every untrained model here. */
  static final long SEED = 1L;

  private BenchModels() {}

  /** The paper's THUMOS detector with seeded random weights (22 classes). */
  static Detector paper() {
    OadtrConfig c = OadtrConfig.thumos();
    return Detector.create(c, classes(c.numClasses()), SEED);
  }

  /** The tiny reference configuration (for quick checks of the tool itself). */
  static Detector tiny() {
    OadtrConfig c = OadtrConfig.tiny();
    return Detector.create(c, classes(c.numClasses()), SEED);
  }

  /**
   * The shipped detector: {@code archive} if given, else {@code home/models/detector} if it holds a
   * model, else an untrained model of {@link Models#shippedConfig} for {@code featureDim}-d
   * embeddings.
   */
  static Detector shipped(Path home, Path archive, int featureDim) {
    if (archive != null) {
      return Detector.load(archive);
    }
    Path def = home.resolve("models").resolve("detector");
    if (Files.isRegularFile(def.resolve("model.json"))) {
      Detector d = Detector.load(def);
      if (d.config().featureDim() == featureDim) {
        return d;
      }
      d.close(); // trained for another extractor: measure the shape that fits this one
    }
    return Detector.create(Models.shippedConfig(featureDim), Models.WEIZMANN_CLASSES, SEED);
  }

  /**
   * A seeded untrained model of {@code base}'s shape with the single-output encoder variant (same
   * cost as a trained one); closes {@code base}.
   */
  static Detector singleOutput(Detector base) {
    try (base) {
      OadtrConfig c = base.config().withVariant(OadtrVariant.SINGLE_OUTPUT);
      return Detector.create(c, base.classNames(), SEED, base.featureSpec());
    }
  }

  /** The backbone the service runs: the trained one of {@code home/models/backbone}, if any. */
  static Backbone serviceBackbone(Path home) {
    return Backbones.defaultBackbone(home);
  }

  /** Whether a trained backbone is installed under {@code home}. */
  static boolean hasTrainedBackbone(Path home) {
    return Files.isDirectory(home.resolve(Backbones.FOLDER));
  }

  /** The untrained default backbone. */
  static Backbone pooledPixels() {
    return new PooledPixelBackbone();
  }

  private static List<String> classes(int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> "c" + i).toList();
  }
}
