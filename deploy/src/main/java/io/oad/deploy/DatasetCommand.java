package io.oad.deploy;

import io.oad.datasets.LabeledSequence;
import io.oad.datasets.NpyFeatures;
import io.oad.datasets.SyntheticSequences;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.datasets.compose.ComposedStream;
import io.oad.training.features.WeizmannData;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code oad dataset}: builds datasets from clips. */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    description = "Build datasets from trimmed clips.",
    subcommands = {DatasetCommand.Compose.class, DatasetCommand.Synthetic.class})
final class DatasetCommand {
  /** {@code oad dataset compose}. */
  @Command(
      name = "compose",
      mixinStandardHelpOptions = true,
      description = {
        "Compose untrimmed streams per subject from a clips folder (manifest.csv + videos/ + backgrounds/): a seeded",
        "order of the subject's clips, background gaps with noise and drift, some actions back to back. Writes real",
        "video files, exact per-frame labels (<stream>.labels.csv) and index.csv. Same seed, same output."
      })
  static final class Compose implements Callable<Integer> {
    @Option(
        names = "--clips",
        required = true,
        paramLabel = "DIR",
        description = "Clips folder in the Weizmann layout.")
    Path clips;

    @Option(
        names = "--subjects",
        required = true,
        paramLabel = "a,b,...",
        description = "Subjects to compose, one stream each (or --streams-per-subject).")
    String subjects;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--streams-per-subject",
        defaultValue = "1",
        description = "Streams per subject, each with its own order (default: ${DEFAULT-VALUE}).")
    int streamsPerSubject;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Override
    public Integer call() {
      ClipCatalog catalog = ClipCatalog.load(clips);
      List<ComposedStream> streams =
          WeizmannData.compose(
              catalog, WeizmannData.subjects(subjects), seed, streamsPerSubject, out);
      for (ComposedStream s : streams) {
        System.out.printf(
            "%s  %s  %d frames at %.0f fps, %d segments%n",
            s.video(), s.subject(), s.frames(), s.fps(), s.segments().size());
      }
      System.out.println("index: " + out.resolve("index.csv"));
      return 0;
    }
  }

  /** {@code oad dataset synthetic}. */
  @Command(
      name = "synthetic",
      mixinStandardHelpOptions = true,
      description = {
        "Write a seeded synthetic feature set in the OAD research layout (features/<video>.npy, targets/<video>.npy,",
        "train.txt, test.txt): actions of varying length between background, whose single steps do not identify",
        "the class, only their temporal pattern does. Train on it with: oad train --preset synthetic ..."
      })
  static final class Synthetic implements Callable<Integer> {
    @Option(
        names = "--videos",
        defaultValue = "40",
        description = "Videos in all; a quarter go to test.txt (default: ${DEFAULT-VALUE}).")
    int videos;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Override
    public Integer call() throws java.io.IOException {
      if (videos < 2) {
        throw new IllegalArgumentException("--videos must be at least 2, got " + videos);
      }
      List<LabeledSequence> all =
          SyntheticSequences.generate(SyntheticSequences.Spec.ci(), videos, seed);
      Path features = out.resolve("features");
      Path targets = out.resolve("targets");
      int test = Math.max(1, videos / 4);
      List<String> trainIds = new java.util.ArrayList<>();
      List<String> testIds = new java.util.ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        NpyFeatures.write(all.get(i), features, targets);
        (i < all.size() - test ? trainIds : testIds).add(all.get(i).videoId());
      }
      java.nio.file.Files.write(out.resolve("train.txt"), trainIds);
      java.nio.file.Files.write(out.resolve("test.txt"), testIds);
      System.out.printf(
          "%d videos (%d train, %d test) in %s: features/, targets/, train.txt, test.txt%n",
          all.size(), trainIds.size(), testIds.size(), out);
      return 0;
    }
  }
}
