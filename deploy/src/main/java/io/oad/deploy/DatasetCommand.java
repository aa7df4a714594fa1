package io.oad.deploy;

import io.oad.ingest.compose.ClipCatalog;
import io.oad.ingest.compose.ComposedStream;
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
    subcommands = {DatasetCommand.Compose.class})
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
}
