package io.oad.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.extractor.FrameTensors;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.extractor.TwoStreamConfig;
import io.oad.service.Backbones;
import io.oad.training.backbone.BackboneDataset;
import io.oad.training.backbone.BackboneTrainer;
import io.oad.training.backbone.BackboneTrainer.Sample;
import io.oad.training.features.WeizmannData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  public static final String REPORT = "training.json";

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
  public Integer call() throws IOException {
    List<String> train = WeizmannData.subjects(subjects);
    List<String> val = valSubjects == null ? List.of() : WeizmannData.subjects(valSubjects);
    for (String s : val) {
      if (train.contains(s)) {
        throw new IllegalArgumentException(
            "subject " + s + " is in both --subjects and --val-subjects");
      }
    }
    Path outDir =
        out != null ? out : Path.of(System.getProperty("oad.home", ".")).resolve(Backbones.FOLDER);
    Path workDir = work != null ? work : Path.of("data", "train-backbone");
    ClipCatalog catalog = ClipCatalog.load(clips);
    TwoStreamConfig network =
        new TwoStreamConfig(
            TwoStreamConfig.defaults().width(),
            TwoStreamConfig.defaults().height(),
            TwoStreamConfig.defaults().channels(),
            TwoStreamConfig.defaults().dimension(),
            catalog.classNames().size());
    FrameTensors tensors = new FrameTensors(network.width(), network.height());
    long t0 = System.nanoTime();
    List<Sample> trainSamples =
        BackboneDataset.samples(
            WeizmannData.compose(
                catalog, train, seed, streamsPerSubject, workDir.resolve("streams-train")),
            tensors,
            System.out);
    List<Sample> valSamples =
        val.isEmpty()
            ? List.of()
            : BackboneDataset.samples(
                WeizmannData.compose(catalog, val, seed + 1000, 2, workDir.resolve("streams-val")),
                tensors,
                System.out);
    BackboneTrainer.Options options =
        BackboneTrainer.Options.defaults(network, seed).withEpochs(epochs);
    BackboneTrainer.Result result =
        BackboneTrainer.train(options, trainSamples, valSamples, System.out);
    try (TwoStreamBackbone backbone = result.backbone()) {
      backbone.save(outDir);
      BackboneTrainer.EpochStats last = result.epochs().get(result.epochs().size() - 1);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("id", backbone.id());
      report.put("classNames", catalog.classNames());
      report.put("trainSubjects", train);
      report.put("valSubjects", val);
      report.put("streamsPerSubject", streamsPerSubject);
      report.put("seed", seed);
      report.put("trainSamples", trainSamples.size());
      report.put("valSamples", valSamples.size());
      report.put("options", options);
      report.put("epochs", result.epochs());
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(outDir.resolve(REPORT).toFile(), report);
      System.out.printf(
          Locale.ROOT,
          "wrote backbone %s to %s in %.0f s: final train acc %.3f, val acc %.3f, balanced %.3f (%s)%n",
          backbone.id(),
          outDir,
          (System.nanoTime() - t0) / 1e9,
          last.trainAccuracy(),
          last.valAccuracy(),
          last.valBalancedAccuracy(),
          val.isEmpty() ? "no validation subjects" : String.join(",", val));
    }
    return 0;
  }

  /** Runs the command alone (until it is registered in the {@code oad} launcher). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BackboneTrainCommand()).execute(args));
  }
}
