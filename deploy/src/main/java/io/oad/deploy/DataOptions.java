package io.oad.deploy;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where {@code oad train} and {@code oad eval} take their data from; each command extends these
 * groups.
 */
final class DataOptions {
  private DataOptions() {}

  /** Composed streams of some subjects of a clips folder. */
  static class Clips {
    @Option(
        names = "--clips",
        required = true,
        paramLabel = "DIR",
        description = "Clips folder in the Weizmann layout (manifest.csv, videos/, backgrounds/).")
    Path dir;

    @Option(
        names = "--subjects",
        required = true,
        paramLabel = "a,b",
        description = "Subjects whose streams are composed.")
    String subjects;
  }

  /** Precomputed features in the layout OAD research uses. */
  static class Features {
    @Option(
        names = "--features",
        required = true,
        paramLabel = "DIR",
        description = "One <video>.npy (steps x dim) per video.")
    Path dir;

    @Option(
        names = "--targets",
        required = true,
        paramLabel = "DIR",
        description = "One <video>.npy of per-step targets (class ids or one-hot) per video.")
    Path targets;

    @Option(
        names = "--split",
        required = true,
        paramLabel = "FILE",
        description = "Video ids, one per line.")
    Path split;
  }
}
