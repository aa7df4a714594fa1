package io.oad.deploy;

import io.oad.datasets.LstrDataInfo;
import io.oad.datasets.OadtrPickleImport;
import io.oad.datasets.OadtrPickleImport.Layout;
import io.oad.datasets.OadtrPickleImport.Summary;
import io.oad.training.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code oad import-features}: converts the official OadTR feature and annotation pickles into the
 * files {@code oad train} and {@code oad eval} read.
 */
@Command(
    name = "import-features",
    mixinStandardHelpOptions = true,
    description = {
      "Convert the official OadTR pickles ({video: {'rgb': (L,2048), 'flow': (L,1024)}} and {video: {'anno': (L,C)}})",
      "into --features/--targets/--split files (--layout npy) or an LSTR data root (--layout lstr). The pickles are",
      "read by a reader that rebuilds numpy arrays and refuses anything else, and streamed video by video."
    })
final class ImportFeaturesCommand implements Callable<Integer> {
  @Option(
      names = "--oadtr-features",
      required = true,
      paramLabel = "F.pickle",
      description =
          "Feature pickle; repeat to convert several (paired in order with --oadtr-annotations).")
  List<Path> features;

  @Option(
      names = "--oadtr-annotations",
      required = true,
      paramLabel = "A.pickle",
      description = "Annotation pickle of the videos of the matching --oadtr-features.")
  List<Path> annotations;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(
      names = "--layout",
      defaultValue = "npy",
      paramLabel = "npy|lstr",
      description =
          "npy: DIR/features, DIR/targets, DIR/<split>.txt; lstr: DIR/<folder>/, DIR/target_perframe/,"
              + " DIR/data_info.json (default: ${DEFAULT-VALUE}).")
  String layout;

  @Option(
      names = "--streams",
      defaultValue = "rgb,flow",
      split = ",",
      paramLabel = "a,b",
      description =
          "Keys of the feature dicts, concatenated per step in this order (default: ${DEFAULT-VALUE}).")
  List<String> streams;

  @Option(
      names = "--feature-folders",
      split = ",",
      paramLabel = "a,b",
      description = "LSTR folder of each stream (default: the stream names).")
  List<String> folders;

  @Option(
      names = "--data-info",
      paramLabel = "FILE",
      description =
          "The official data_info.json (THUMOS: train_session_set, test_session_set, class_index) or an LSTR one:"
              + " puts each video into train or test and gives the class names.")
  Path dataInfo;

  @Option(
      names = "--dataset",
      defaultValue = "THUMOS",
      description = "Key of the data info entry (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(
      names = "--split",
      paramLabel = "NAME",
      description =
          "Put every converted video into this split (npy: NAME.txt; lstr: train or test) instead of"
              + " following --data-info.")
  String split;

  @Option(
      names = "--classes",
      paramLabel = "a,b,...|FILE",
      description =
          "Class names for an LSTR data_info.json, background first (default: those of --data-info, else the"
              + " 22 THUMOS14 names).")
  String classes;

  @Override
  public Integer call() throws IOException {
    for (Path p : features) {
      ImportCommand.requireFile(p, "--oadtr-features");
    }
    for (Path p : annotations) {
      ImportCommand.requireFile(p, "--oadtr-annotations");
    }
    Layout l =
        switch (layout) {
          case "npy" -> Layout.NPY;
          case "lstr" -> Layout.LSTR;
          default ->
              throw new IllegalArgumentException("--layout must be npy or lstr, got " + layout);
        };
    LstrDataInfo info = null;
    if (dataInfo != null) {
      ImportCommand.requireFile(dataInfo, "--data-info");
      info = LstrDataInfo.read(dataInfo, dataset);
    }
    List<String> names = null;
    if (classes != null) {
      Path file = Path.of(classes);
      names =
          (Files.isRegularFile(file) ? Files.readAllLines(file) : List.of(classes.split(",")))
              .stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
    } else if (info != null && !info.classNames().isEmpty()) {
      names = info.classNames();
    } else if (l == Layout.LSTR) {
      if (!dataset.equals("THUMOS")) {
        throw new IllegalArgumentException(
            "give --classes (or a --data-info with class names) for the data_info.json of "
                + dataset);
      }
      names = TrainConfig.thumosClassNames();
    }
    long start = System.nanoTime();
    Summary s =
        OadtrPickleImport.run(
            new OadtrPickleImport.Options(
                features,
                annotations,
                out,
                l,
                streams,
                folders == null ? streams : folders,
                split,
                info,
                names,
                dataset),
            line -> System.out.println("  " + line));
    double seconds = (System.nanoTime() - start) / 1e9;
    for (String note : s.notes()) {
      System.out.println("note: " + note);
    }
    if (!s.skipped().isEmpty()) {
      System.out.println(
          "skipped "
              + s.skipped().size()
              + " videos with features but no annotation: "
              + abbreviate(s.skipped()));
    }
    if (!s.unlisted().isEmpty()) {
      System.out.println(
          "converted but in no session set of " + dataInfo + ": " + abbreviate(s.unlisted()));
    }
    int dim = s.dims().values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(
        Locale.ROOT,
        "%d videos, %s features per step (%s), %d classes -> %s (%.1f MB of arrays in %.1f s)%n",
        s.splits().values().stream().mapToInt(List::size).sum() + s.unlisted().size(),
        dim,
        s.dims(),
        s.classes(),
        out,
        s.bytes() / 1e6,
        seconds);
    for (Map.Entry<String, List<String>> e : s.splits().entrySet()) {
      System.out.println("  " + e.getKey() + ": " + e.getValue().size() + " videos");
    }
    if (l == Layout.NPY) {
      System.out.println(
          "train with: oad train --features "
              + out.resolve("features")
              + " --targets "
              + out.resolve("targets")
              + " --split "
              + out.resolve("<split>.txt")
              + " ...");
    } else {
      System.out.println(
          "train with: oad train --lstr-root "
              + out
              + " --dataset "
              + dataset
              + " --feature-folders "
              + String.join(",", folders == null ? streams : folders)
              + " ...");
    }
    return 0;
  }

  private static String abbreviate(List<String> ids) {
    return ids.size() <= 5
        ? String.join(", ", ids)
        : String.join(", ", ids.subList(0, 5)) + " and " + (ids.size() - 5) + " more";
  }
}
