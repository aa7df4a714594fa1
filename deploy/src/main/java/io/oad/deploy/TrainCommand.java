package io.oad.deploy;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.datasets.LstrDataInfo;
import io.oad.datasets.NpyFeatures;
import io.oad.datasets.SyntheticSequences;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.detector.Detector;
import io.oad.detector.OadtrConfig;
import io.oad.detector.OadtrVariant;
import io.oad.detector.archive.ModelArchive;
import io.oad.detector.archive.ModelManifest;
import io.oad.extractor.Backbone;
import io.oad.service.Backbones;
import io.oad.service.Models;
import io.oad.training.ClipTraining;
import io.oad.training.EpochStats;
import io.oad.training.Evaluator;
import io.oad.training.FutureBlendFit;
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
      "--features DIR --targets DIR --split FILE (precomputed features, e.g. THUMOS14 TSN), or",
      "--lstr-root DIR --feature-folders a,b (an LSTR/TeSTra/MiniROAD data root: its train_session_set)."
    })
final class TrainCommand implements Callable<Integer> {
  @ArgGroup(exclusive = false, heading = "Composed streams from clips:%n")
  Clips clips;

  @ArgGroup(exclusive = false, heading = "Precomputed features:%n")
  Features features;

  @ArgGroup(exclusive = false, heading = "LSTR data root (data_info.json, feature folders):%n")
  Lstr lstr;

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
  }

  static final class Lstr extends DataOptions.Lstr {
    @Option(
        names = "--val-sessions",
        defaultValue = "none",
        paramLabel = "none|test|K",
        description =
            "Validation (chooses nothing, reported per epoch): none, test (the test_session_set, as the"
                + " LSTR scripts do) or K (the last K videos of train_session_set, then not trained on)"
                + " (default: ${DEFAULT-VALUE}).")
    String valSessions;
  }

  @Option(
      names = "--preset",
      description =
          "Model and schedule for --features and --lstr-root: paper (THUMOS14, 22 classes, 21 ambiguous) small"
              + " (the paper's structure at width 256) or synthetic (oad dataset synthetic) (default:"
              + " paper). With --lstr-root the classes come from data_info.json.")
  String preset;

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

  @Option(
      names = "--fit-blend-only",
      description =
          "Do not train: fit the anticipation blend (futureBlend in model.json) of the existing archive --out"
              + " on the validation data (--val-subjects with --clips, or --val-split with --features) and"
              + " write it into --out/model.json; the weights are not touched.")
  boolean fitBlendOnly;

  @Override
  public Integer call() throws IOException {
    if (fitBlendOnly) {
      return fitBlendOnly();
    }
    int sources = (clips != null ? 1 : 0) + (features != null ? 1 : 0) + (lstr != null ? 1 : 0);
    if (sources != 1) {
      throw new IllegalArgumentException(
          "give one of --clips DIR --subjects ..., --features/--targets/--split or --lstr-root/--feature-folders");
    }
    if (clips != null && preset != null) {
      throw new IllegalArgumentException("--preset is for --features and --lstr-root, not --clips");
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
      List<String> trainSubjects = WeizmannData.subjects(clips.requireSubjects());
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
    } else if (features != null) {
      train = NpyFeatures.read(features.dir, features.targets, features.split);
      val =
          features.valSplit == null
              ? List.of()
              : NpyFeatures.read(features.dir, features.targets, features.valSplit);
      config = preset(train.get(0).dim()).toBuilder();
    } else {
      LstrDataInfo info = lstr.info();
      List<String> trainIds = info.trainSessions();
      List<String> valIds = List.of();
      String valSet = "test_session_set";
      switch (lstr.valSessions) {
        case "none" -> {}
        case "test" -> valIds = info.testSessions();
        default -> {
          int k = parseCount(lstr.valSessions);
          if (k >= trainIds.size()) {
            throw new IllegalArgumentException(
                "--val-sessions "
                    + k
                    + " leaves no training video ("
                    + info.file()
                    + " lists "
                    + trainIds.size()
                    + " in train_session_set)");
          }
          valIds = trainIds.subList(trainIds.size() - k, trainIds.size());
          trainIds = trainIds.subList(0, trainIds.size() - k);
          valSet = "train_session_set (last " + k + ")";
        }
      }
      train = lstr.read(info, trainIds, "train_session_set", System.out);
      val = valIds.isEmpty() ? List.of() : lstr.read(info, valIds, valSet, System.out);
      TrainConfig base = preset(train.get(0).dim());
      List<String> names = info.requireClassNames();
      config =
          base.toBuilder()
              .setModel(base.model().withNumClasses(names.size()))
              .setClasses(names, info.layout())
              .optModelId("oadtr-" + info.dataset().toLowerCase(Locale.ROOT));
      System.out.printf(
          "classes of %s: %d (%s%s)%n",
          info.file(),
          names.size(),
          names.get(0) + " is background",
          info.ambiguous().isPresent()
              ? ", " + names.get(info.ambiguous().getAsInt()) + " is ambiguous"
              : "");
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

  /** {@code --fit-blend-only}: fits the future blend of the archive {@code --out}. */
  private int fitBlendOnly() throws IOException {
    if (lstr != null || (clips == null) == (features == null)) {
      throw new IllegalArgumentException(
          "--fit-blend-only takes --clips DIR --val-subjects ... or --features/--targets/--val-split");
    }
    ModelManifest manifest = ModelArchive.readManifest(out);
    List<LabeledSequence> val;
    ClassLayout layout;
    if (clips != null) {
      if (clips.valSubjects == null) {
        throw new IllegalArgumentException("--fit-blend-only with --clips needs --val-subjects");
      }
      ClipCatalog catalog = ClipCatalog.load(clips.dir);
      Path workDir =
          work != null
              ? work
              : Path.of("data", "train", out.toAbsolutePath().normalize().getFileName().toString());
      Files.createDirectories(workDir);
      try (Backbone backbone = Backbones.of(backboneDir, Models.home())) {
        String expected = manifest.feature().extractorId();
        if (expected != null && !expected.equals(backbone.id())) {
          throw new IllegalArgumentException(
              out
                  + " was trained on embeddings of '"
                  + expected
                  + "', the backbone is '"
                  + backbone.id()
                  + "' (give its folder with --backbone)");
        }
        val =
            ClipTraining.validation(
                catalog,
                WeizmannData.subjects(clips.valSubjects),
                seedOption.seed,
                workDir,
                backbone,
                System.out);
      }
      layout = ClassLayout.of(manifest.config().numClasses(), 0);
    } else {
      if (features.valSplit == null) {
        throw new IllegalArgumentException("--fit-blend-only with --features needs --val-split");
      }
      val = NpyFeatures.read(features.dir, features.targets, features.valSplit);
      layout = preset(val.get(0).dim()).layout();
    }
    if (layout.numClasses() != manifest.config().numClasses()) {
      throw new IllegalArgumentException(
          "the --preset's layout has "
              + layout.numClasses()
              + " classes, "
              + out
              + " has "
              + manifest.config().numClasses());
    }
    FutureBlendFit fit;
    try (Detector detector = Detector.load(out)) {
      fit = FutureBlendFit.fit(detector, val, layout, Evaluator.DEFAULT_BATCH);
    }
    ModelArchive.writeManifest(out, manifest.withBlend(fit.blend()));
    System.out.println(fit.describe());
    System.out.println("future blend written into " + out.resolve(ModelArchive.MANIFEST_FILE));
    return 0;
  }

  /** The --preset's configuration with the model taking {@code dim} features. */
  private TrainConfig preset(int dim) {
    String name = preset == null ? "paper" : preset;
    TrainConfig p =
        switch (name) {
          case "paper" -> TrainConfig.paperThumos();
          case "synthetic" ->
              TrainConfig.synthetic(SyntheticSequences.Spec.ci()).toBuilder()
                  .optLogEvery(10)
                  .build();
          case "small" ->
              TrainConfig.paperThumos().toBuilder()
                  .setModel(smaller(TrainConfig.paperThumos().model(), dim))
                  .optBatchSize(32)
                  .build();
          default ->
              throw new IllegalArgumentException(
                  "--preset must be paper, small or synthetic, got " + name);
        };
    return p.model().featureDim() == dim
        ? p
        : p.toBuilder().setModel(p.model().withFeatureDim(dim)).build();
  }

  private static int parseCount(String s) {
    try {
      int k = Integer.parseInt(s);
      if (k > 0) {
        return k;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--val-sessions must be none, test or a count > 0, got " + s);
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
