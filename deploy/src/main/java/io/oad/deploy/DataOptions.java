package io.oad.deploy;

import io.oad.datasets.LabeledSequence;
import io.oad.datasets.LstrDataInfo;
import io.oad.datasets.LstrFeatures;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
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
        paramLabel = "a,b",
        description =
            "Subjects whose streams are composed (required except with eval --cv and train"
                + " --fit-blend-only).")
    String subjects;

    /** The subjects, or an error naming the option when they are needed and missing. */
    String requireSubjects() {
      if (subjects == null) {
        throw new IllegalArgumentException("--clips needs --subjects");
      }
      return subjects;
    }
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

  /** A data root in the layout of LSTR, TeSTra, MAT, MiniROAD and CMeRT. */
  static class Lstr {
    @Option(
        names = "--lstr-root",
        required = true,
        paramLabel = "DIR",
        description = "Data root holding the feature folders and the target folder.")
    Path root;

    @Option(
        names = "--feature-folders",
        required = true,
        split = ",",
        paramLabel = "a,b",
        description =
            "Feature folders of the root, concatenated per step in this order (e.g."
                + " rgb_kinetics_resnet50,flow_kinetics_bninception).")
    List<String> folders;

    @Option(
        names = "--dataset",
        defaultValue = "THUMOS",
        description = "Top-level key of data_info.json (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(
        names = "--data-info",
        paramLabel = "FILE",
        description =
            "data_info.json with class_names, train_session_set, test_session_set (default:"
                + " <lstr-root>/data_info.json).")
    Path dataInfo;

    @Option(
        names = "--target-folder",
        defaultValue = "target_perframe",
        description = "Folder of the per-step one-hot targets (default: ${DEFAULT-VALUE}).")
    String targetFolder;

    private LstrFeatures reader; // one per command: widths are checked across all its videos

    LstrDataInfo info() {
      Path f = dataInfo != null ? dataInfo : root.resolve("data_info.json");
      if (!java.nio.file.Files.isRegularFile(f)) {
        throw new IllegalArgumentException(
            "no data info " + f + (dataInfo == null ? " (give --data-info FILE)" : ""));
      }
      return LstrDataInfo.read(f, dataset);
    }

    /** The videos {@code ids} of {@code info}'s session set {@code set}; prints any cuts. */
    List<LabeledSequence> read(LstrDataInfo info, List<String> ids, String set, PrintStream out) {
      if (ids.isEmpty()) {
        throw new IllegalArgumentException(
            info.file() + ": " + info.dataset() + "." + set + " lists no video");
      }
      if (reader == null) {
        reader = new LstrFeatures(root, folders, targetFolder, info.requireClassNames().size());
      }
      int notesBefore = reader.notes().size();
      List<LabeledSequence> data;
      try {
        data = reader.read(ids);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage() + " (" + set + " of " + info.file() + ")", e);
      }
      for (String note : reader.notes().subList(notesBefore, reader.notes().size())) {
        out.println("note: " + note);
      }
      out.printf(
          "%s: %d videos of %s, %d steps, %d features per step%n",
          set,
          data.size(),
          info.dataset(),
          data.stream().mapToInt(LabeledSequence::length).sum(),
          data.get(0).dim());
      return data;
    }
  }
}
