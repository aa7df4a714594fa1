package io.oad.deploy;

import io.oad.datasets.LabeledSequence;
import io.oad.datasets.NpyFeatures;
import io.oad.datasets.SyntheticSequences;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.detector.OadtrConfig;
import io.oad.detector.OadtrVariant;
import io.oad.extractor.Backbone;
import io.oad.service.Backbones;
import io.oad.service.Models;
import io.oad.training.ClipTraining;
import io.oad.training.EpochStats;
import io.oad.training.TrainConfig;
import io.oad.training.TrainResult;
import io.oad.training.Trainer;
import io.oad.training.features.WeizmannData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code oad train}: trains OadTR, either on composed streams of a clips folder (embedded with the
 * service's own extractor) or on precomputed features in the layout OAD research uses (.npy per
 * video, targets, split files).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train OadTR with the paper's loss and optimiser (soft-target cross-entropy, future weight 0.5, Adam, weight",
      "decay, clipping at 1.0, step schedule) and write a model archive.",
      "Data: --clips DIR --subjects ... (composed streams, embedded by the service's extractor), or",
      "--features DIR --targets DIR --split FILE (precomputed features, e.g. THUMOS14 TSN)."
    })
final class TrainCommand implements Callable<Integer> {
  @ArgGroup(exclusive = false, heading = "Composed streams from clips:%n")
  Clips clips;

  @ArgGroup(exclusive = false, heading = "Precomputed features:%n")
  Features features;

  static final class Clips extends DataOptions.Clips {
    @Option(
        names = "--val-subjects",
        paramLabel = "c,d",
        description = "Validation subjects (never the training ones).")
    String valSubjects;

    @Option(
        names = "--streams-per-subject",
        defaultValue = "4",
        description = "Composed streams per training subject (default: ${DEFAULT-VALUE}).")
    int streamsPerSubject;
  }

  static final class Features extends DataOptions.Features {
    @Option(names = "--val-split", paramLabel = "FILE", description = "Validation video ids.")
    Path valSplit;

    @Option(
        names = "--preset",
        defaultValue = "paper",
        description =
            "Model and schedule: paper (THUMOS14, 22 classes, 21 ambiguous) small (the paper's structure at width 256) or synthetic (oad dataset synthetic) (default: ${DEFAULT-VALUE}).")
    String preset;
  }

  @Option(
      names = "--out",
      required = true,
      paramLabel = "MODEL",
      description = "Model archive folder to write.")
  Path out;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description = "Checkpoints and composed streams (default: data/train/<name of --out>).")
  Path work;

  @Mixin SeedOption seedOption;

  @Option(names = "--epochs", description = "Epochs (default: the preset's; 12 for clips).")
  Integer epochs;

  @Option(names = "--batch", description = "Batch size (default: the preset's; 32 for clips).")
  Integer batch;

  @Option(names = "--lr", description = "Learning rate (default: the preset's; 1e-4).")
  Float lr;

  @Option(
      names = "--lr-decay-every",
      description =
          "Epochs between lr x 0.1 steps (default: the preset's; 1 in the paper, 5 for clips).")
  Integer lrDecayEvery;

  @Option(
      names = "--backbone",
      paramLabel = "DIR",
      description =
          "Backbone folder whose embeddings the model is trained on (clips only; default:"
              + " <oad.home>/models/backbone).")
  Path backboneDir;

  @Option(names = "--resume", description = "Continue from the last checkpoint in --work.")
  boolean resume;

  @Option(
      names = "--variant",
      defaultValue = "full",
      paramLabel = "full|single-output",
      description =
          "OadTR forward pass: full (official) or single-output (the last encoder layer computes only the task"
              + " token; cheaper per step); recorded in the archive (default: ${DEFAULT-VALUE}).")
  String variant;

  @Override
  public Integer call() throws IOException {
    if ((clips == null) == (features == null)) {
      throw new IllegalArgumentException(
          "give either --clips DIR --subjects ... or --features/--targets/--split");
    }
    Path workDir =
        work != null
            ? work
            : Path.of("data", "train", out.toAbsolutePath().normalize().getFileName().toString());
    Files.createDirectories(workDir);
    TrainConfig.Builder config;
    List<LabeledSequence> train;
    List<LabeledSequence> val;
    if (clips != null) {
      ClipCatalog catalog = ClipCatalog.load(clips.dir);
      List<String> trainSubjects = WeizmannData.subjects(clips.subjects);
      List<String> valSubjects =
          clips.valSubjects == null ? List.of() : WeizmannData.subjects(clips.valSubjects);
      try (Backbone backbone = Backbones.of(backboneDir, Models.home())) {
        ClipTraining.Data data =
            ClipTraining.data(
                catalog,
                trainSubjects,
                valSubjects,
                seedOption.seed,
                clips.streamsPerSubject,
                workDir,
                backbone,
                System.out);
        train = data.train();
        val = data.val();
        config =
            ClipTraining.defaults(
                Models.shippedConfig(backbone.dimension()),
                catalog.classNames(),
                backbone.id(),
                seedOption.seed);
      }
    } else {
      train = NpyFeatures.read(features.dir, features.targets, features.split);
      val =
          features.valSplit == null
              ? List.of()
              : NpyFeatures.read(features.dir, features.targets, features.valSplit);
      TrainConfig preset =
          switch (features.preset) {
            case "paper" -> TrainConfig.paperThumos();
            case "synthetic" ->
                TrainConfig.synthetic(SyntheticSequences.Spec.ci()).toBuilder()
                    .optLogEvery(10)
                    .build();
            case "small" ->
                TrainConfig.paperThumos().toBuilder()
                    .setModel(smaller(TrainConfig.paperThumos().model(), train.get(0).dim()))
                    .optBatchSize(32)
                    .build();
            default ->
                throw new IllegalArgumentException(
                    "--preset must be paper, small or synthetic, got " + features.preset);
          };
      config = preset.toBuilder();
      if (train.get(0).dim() != preset.model().featureDim()) {
        config.setModel(preset.model().withFeatureDim(train.get(0).dim()));
      }
    }
    if (epochs != null) {
      config.optEpochs(epochs);
    }
    if (batch != null) {
      config.optBatchSize(batch);
    }
    if (lr != null) {
      config.optLearningRate(lr);
    }
    if (lrDecayEvery != null) {
      config.optLrDecayEvery(lrDecayEvery);
    }
    OadtrVariant v = OadtrVariant.parse(variant);
    if (v != OadtrVariant.FULL) {
      // a model id of its own: the variant computes another function than the full model
      TrainConfig built = config.build();
      config.setModel(built.model().withVariant(v)).optModelId(built.modelId() + "-" + v.label());
    }
    config.optSeed(seedOption.seed).optResume(resume);
    TrainResult result = Trainer.train(config.build(), train, val, workDir.resolve("checkpoints"));
    for (EpochStats e : result.epochs()) {
      System.out.println("epoch " + e);
    }
    copyArchive(result.archive(), out);
    System.out.printf(
        Locale.ROOT, "model archive %s (validation mAP %.3f)%n", out, result.finalMAP());
    return 0;
  }

  private static OadtrConfig smaller(OadtrConfig c, int dim) {
    return new OadtrConfig(
        dim,
        c.window(),
        256,
        c.encoderLayers(),
        8,
        256,
        c.decoderLayers(),
        4,
        256,
        c.futureSteps(),
        c.numClasses(),
        c.dropout());
  }

  static void copyArchive(Path from, Path to) throws IOException {
    ClipTraining.copyArchive(from, to);
  }
}
