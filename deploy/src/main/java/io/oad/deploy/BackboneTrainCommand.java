package io.oad.deploy;

import io.oad.datasets.compose.ClipCatalog;
import io.oad.service.Backbones;
import io.oad.training.backbone.ClipBackboneTraining;
import io.oad.training.features.WeizmannData;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code oad train-backbone}: trains the two-stream (appearance + motion) frame backbone on
 * composed streams of training subjects, as the service would see them, and writes the backbone
 * folder the extractor loads ({@link Backbones#defaultBackbone}), plus {@value #REPORT} with the
 * data and every epoch's numbers.
 */
@Command(
    name = "train-backbone",
    mixinStandardHelpOptions = true,
    description = {
      "Train the two-stream frame backbone (current frame + difference to the previous frame) as a",
      "frame classifier on composed streams of --subjects, validate on --val-subjects, and write the",
      "backbone folder the extractor loads (default: models/backbone)."
    })
public final class BackboneTrainCommand implements Callable<Integer> {
  /** The training record written next to the weights. */
  public static final String REPORT = ClipBackboneTraining.REPORT;

  @Option(
      names = "--clips",
      required = true,
      paramLabel = "DIR",
      description = "Clips folder in the Weizmann layout.")
  Path clips;

  @Option(
      names = "--subjects",
      required = true,
      paramLabel = "a,b",
      description = "Training subjects.")
  String subjects;

  @Option(
      names = "--val-subjects",
      paramLabel = "c,d",
      description = "Validation subjects (never the training ones).")
  String valSubjects;

  @Option(
      names = "--streams-per-subject",
      defaultValue = "5",
      description = "Composed streams per training subject (default: ${DEFAULT-VALUE}).")
  int streamsPerSubject;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of composition, initialisation and training (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--epochs",
      defaultValue = "20",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Backbone folder to write (default: <oad.home>/models/backbone).")
  Path out;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description = "Folder for the composed streams (default: data/train-backbone).")
  Path work;

  @Override
  public Integer call() {
    List<String> train = WeizmannData.subjects(subjects);
    List<String> val = valSubjects == null ? List.of() : WeizmannData.subjects(valSubjects);
    Path outDir =
        out != null ? out : Path.of(System.getProperty("oad.home", ".")).resolve(Backbones.FOLDER);
    Path workDir = work != null ? work : Path.of("data", "train-backbone");
    ClipBackboneTraining.train(
        ClipCatalog.load(clips),
        new ClipBackboneTraining.Spec(train, val, streamsPerSubject, seed, epochs),
        outDir,
        workDir,
        System.out);
    return 0;
  }

  /** Runs the command alone (until it is registered in the {@code oad} launcher). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BackboneTrainCommand()).execute(args));
  }
}
