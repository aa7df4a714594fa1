package io.oad.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.datasets.compose.ClassFolders;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.datasets.compose.ComposedStream;
import io.oad.detector.Detector;
import io.oad.detector.OadtrConfig;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.extractor.TwoStreamConfig;
import io.oad.service.Backbones;
import io.oad.service.Models;
import io.oad.training.EpochStats;
import io.oad.training.Evaluation;
import io.oad.training.TrainConfig;
import io.oad.training.TrainResult;
import io.oad.training.Trainer;
import io.oad.training.backbone.BackboneDataset;
import io.oad.training.backbone.BackboneTrainer;
import io.oad.training.backbone.BackboneTrainer.Sample;
import io.oad.training.features.WeizmannData;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code oad teach}: from a folder of trimmed clips in the class-folder layout to a served model in
 * one command. Composes untrimmed streams per group (gaps show the group's median background),
 * fine-tunes the shipped backbone on them, trains OadTR on the new backbone's embeddings (the
 * validation groups choose the epoch), evaluates on the held-out groups with {@code oad eval}'s
 * report and writes {@code OUT/backbone}, {@code OUT/detector} and {@code OUT/eval}.
 */
@Command(
    name = "teach",
    mixinStandardHelpOptions = true,
    description = {
      "Teach the service your own actions from trimmed clips laid out as DIR/<action>/<any name>.<video> (any",
      "container, codec, size and frame rate FFmpeg reads; no manifest, no background images). Composes",
      "untrimmed streams per group, fine-tunes the backbone, trains OadTR, evaluates on the held-out groups and",
      "writes OUT/backbone, OUT/detector (load them with oad extract --backbone-dir, oad detect --model-dir,",
      "oad demo --model) and OUT/eval/report.{json,html}."
    })
public final class TeachCommand implements Callable<Integer> {
  /** The record of a run, written into {@code OUT}. */
  public static final String RECORD = "teach.json";

  @Option(
      names = "--clips",
      required = true,
      paramLabel = "DIR",
      description = "Folder of action folders: DIR/<action>/<clip>.")
  Path clips;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output folder: backbone/, detector/, eval/, work/ and " + RECORD + ".")
  Path out;

  @Option(
      names = "--group-pattern",
      paramLabel = "REGEX",
      description =
          "Regular expression searched in each file name; its first capture group is the clip's group (person,"
              + " camera, session), e.g. '^([a-z]+)_'. Default: the file name without extension (every clip its"
              + " own group).")
  String groupPattern;

  @Option(
      names = "--holdout-groups",
      paramLabel = "a,b",
      description =
          "Groups never trained on, evaluated at the end (default: the last group in sorted order).")
  String holdoutGroups;

  @Option(
      names = "--val-groups",
      paramLabel = "c",
      description =
          "Groups that choose the schedule (the OadTR epoch kept), never trained on (default: none; the last"
              + " epoch is kept).")
  String valGroups;

  @Option(
      names = "--streams-per-group",
      defaultValue = "4",
      description = "Composed streams per training group (default: ${DEFAULT-VALUE}).")
  int streamsPerGroup;

  @Option(
      names = "--holdout-streams",
      defaultValue = "3",
      description =
          "Composed streams per held-out group for the evaluation (default: ${DEFAULT-VALUE}).")
  int holdoutStreamsPerGroup;

  @Option(
      names = "--backbone-epochs",
      defaultValue = "6",
      description =
          "Fine-tuning epochs of the backbone; 0 keeps it as it is (default: ${DEFAULT-VALUE}).")
  int backboneEpochs;

  @Option(
      names = "--backbone-lr",
      defaultValue = "5e-4",
      description = "Fine-tuning learning rate of the backbone (default: ${DEFAULT-VALUE}).")
  float backboneLr;

  @Option(
      names = "--epochs",
      defaultValue = "8",
      description =
          "OadTR epochs; the learning rate drops x0.1 after half of them (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--lr",
      defaultValue = "5e-4",
      description = "OadTR learning rate (default: ${DEFAULT-VALUE}).")
  float lr;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "OadTR batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--start-backbone",
      paramLabel = "DIR",
      description = "Backbone to fine-tune (default: <oad.home>/models/backbone).")
  Path startBackbone;

  @Mixin SeedOption seedOption;

  private final PrintStream log = System.out;

  @Override
  public Integer call() throws IOException {
    long t0 = System.nanoTime();
    Path work = out.resolve("work");
    Files.createDirectories(work);
    Path startDir = startBackbone != null ? startBackbone : Models.home().resolve(Backbones.FOLDER);
    if (backboneEpochs < 0 || epochs < 1 || streamsPerGroup < 1 || holdoutStreamsPerGroup < 1) {
      throw new IllegalArgumentException(
          "need --backbone-epochs >= 0, --epochs >= 1, --streams-per-group >= 1, --holdout-streams >= 1");
    }

    log.println("[1/6] clips and backgrounds: " + clips);
    ClipCatalog catalog = ClassFolders.load(clips, groupPattern, work.resolve("backgrounds"), log);
    Split split = split(catalog);
    log.printf(
        Locale.ROOT,
        "actions %s; train groups %s, validation %s, held out %s%n",
        catalog.actions(),
        split.train(),
        split.val(),
        split.holdout());

    log.println("[2/6] composing streams");
    List<ComposedStream> trainStreams =
        compose(
            catalog,
            split.train(),
            seedOption.seed,
            streamsPerGroup,
            work.resolve("streams-train"));
    List<ComposedStream> valStreams =
        compose(catalog, split.val(), seedOption.seed + 1000, 1, work.resolve("streams-val"));
    List<ComposedStream> holdoutStreams =
        compose(
            catalog,
            split.holdout(),
            seedOption.seed + 2000,
            holdoutStreamsPerGroup,
            work.resolve("streams-holdout"));

    Map<String, Object> record = new LinkedHashMap<>();
    record.put("clips", clips.toAbsolutePath().normalize().toString());
    record.put("groupPattern", groupPattern);
    record.put("classNames", catalog.classNames());
    record.put("trainGroups", split.train());
    record.put("valGroups", split.val());
    record.put("holdoutGroups", split.holdout());
    record.put("seed", seedOption.seed);
    record.put("startBackbone", startDir.toAbsolutePath().normalize().toString());
    Path backboneDir = out.resolve("backbone");
    try (TwoStreamBackbone start = TwoStreamBackbone.load(startDir);
        TwoStreamBackbone backbone =
            fineTune(startDir, start, catalog, trainStreams, valStreams, record)) {
      backbone.save(backboneDir);

      log.println("[4/6] embedding with backbone " + backbone.id());
      List<LabeledSequence> train = embed("embed train", trainStreams, backbone);
      List<LabeledSequence> val = embed("embed validation", valStreams, backbone);
      List<LabeledSequence> holdout = embed("embed held out", holdoutStreams, backbone);

      log.println("[5/6] training OadTR");
      OadtrConfig model =
          Models.shippedConfig(backbone.dimension()).withNumClasses(catalog.classNames().size());
      TrainConfig config =
          TrainConfig.builder(model, catalog.classNames(), ClassLayout.of(model.numClasses(), 0))
              .optEpochs(epochs)
              .optBatchSize(batch)
              .optLearningRate(lr)
              .optLrDecayEvery(Math.max(1, epochs / 2))
              .optExtractorId(backbone.id())
              .optModelId(
                  "oadtr-teach-"
                      + out.toAbsolutePath().normalize().getFileName()
                      + "-s"
                      + seedOption.seed)
              .optSeed(seedOption.seed)
              .build();
      TrainResult result = Trainer.train(config, train, val, work.resolve("checkpoints"));
      EpochStats chosen = chosenEpoch(result, !val.isEmpty());
      log.printf(
          Locale.ROOT,
          "kept epoch %d of %d%s%n",
          chosen.epoch(),
          result.epochs().size(),
          val.isEmpty()
              ? " (no validation groups)"
              : String.format(Locale.ROOT, " (validation mAP %.4f)", chosen.valMAP()));
      Path detectorDir = out.resolve("detector");
      TrainCommand.copyArchive(work.resolve("checkpoints").resolve(chosen.archive()), detectorDir);
      record.put("oadtrEpochs", result.epochs());
      record.put("keptEpoch", chosen.epoch());

      log.println("[6/6] evaluating on the held-out groups " + split.holdout());
      try (Detector detector = Detector.load(detectorDir)) {
        Models.checkExtractor(detector, backbone.id());
        ClassLayout layout = ClassLayout.of(detector.config().numClasses(), 0);
        Evaluation report =
            EvalCommand.evaluate(detector, holdout, layout, 1.0 / WeizmannData.STEPS_PER_SECOND);
        Path evalDir = out.resolve("eval");
        Files.createDirectories(evalDir);
        report.write(evalDir, detector.classNames());
        report.print(log, detector);
        record.put("heldOutMAP", report.result().mAP());
        record.put("heldOutDetectionDelaySeconds", report.delay().meanSeconds());
      }
    }
    record.put("seconds", (System.nanoTime() - t0) / 1e9);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(out.resolve(RECORD).toFile(), record);
    log.printf(
        Locale.ROOT,
        "taught in %.0f s: %s, %s, report %s%n",
        (System.nanoTime() - t0) / 1e9,
        backboneDir,
        out.resolve("detector"),
        out.resolve("eval").resolve("report.html"));
    return 0;
  }

  /** Training, validation and held-out groups: disjoint, each named one existing. */
  record Split(List<String> train, List<String> val, List<String> holdout) {}

  private Split split(ClipCatalog catalog) {
    List<String> all = catalog.subjects();
    List<String> holdout =
        holdoutGroups != null
            ? WeizmannData.subjects(holdoutGroups)
            : List.of(all.get(all.size() - 1));
    List<String> val = valGroups != null ? WeizmannData.subjects(valGroups) : List.of();
    ClassFolders.requireGroups(catalog, holdout, "--holdout-groups");
    ClassFolders.requireGroups(catalog, val, "--val-groups");
    for (String g : val) {
      if (holdout.contains(g)) {
        throw new IllegalArgumentException(
            "group '" + g + "' is in both --holdout-groups and --val-groups");
      }
    }
    List<String> train = new ArrayList<>(all);
    train.removeAll(holdout);
    train.removeAll(val);
    if (train.isEmpty()) {
      throw new IllegalArgumentException(
          "no group left to train on in "
              + catalog.dir()
              + ": all of "
              + all
              + " are held out or validation");
    }
    List<String> untaught = new ArrayList<>(catalog.actions());
    for (String g : train) {
      catalog.clipsOf(g).forEach(c -> untaught.remove(c.action()));
    }
    if (!untaught.isEmpty()) {
      throw new IllegalArgumentException(
          "no training clip of action(s) "
              + untaught
              + " in "
              + catalog.dir()
              + " once "
              + holdout
              + " and "
              + val
              + " are set aside");
    }
    return new Split(List.copyOf(train), val, holdout);
  }

  private List<ComposedStream> compose(
      ClipCatalog catalog, List<String> groups, long seed, int perGroup, Path dir) {
    List<ComposedStream> streams = new ArrayList<>();
    if (groups.isEmpty()) {
      return streams;
    }
    try (PhaseBar bar =
        PhaseBar.start("compose " + dir.getFileName(), groups.size(), "groups", log)) {
      for (String g : groups) {
        // one folder per group, each with its index.csv: the composition is recorded
        streams.addAll(WeizmannData.compose(catalog, List.of(g), seed, perGroup, dir.resolve(g)));
        bar.step();
      }
    }
    return streams;
  }

  /** The fine-tuned backbone, or with {@code --backbone-epochs 0} the start one loaded again. */
  private TwoStreamBackbone fineTune(
      Path startDir,
      TwoStreamBackbone start,
      ClipCatalog catalog,
      List<ComposedStream> trainStreams,
      List<ComposedStream> valStreams,
      Map<String, Object> record) {
    TwoStreamConfig s = start.config();
    TwoStreamConfig network =
        new TwoStreamConfig(
            s.width(), s.height(), s.channels(), s.dimension(), catalog.classNames().size());
    if (backboneEpochs == 0) {
      log.println("[3/6] backbone kept as it is (--backbone-epochs 0)");
      return TwoStreamBackbone.load(startDir); // its own instance: the caller closes both
    }
    log.println("[3/6] fine-tuning backbone " + start.id());
    List<Sample> train = samples("frames train", trainStreams, start);
    List<Sample> val = samples("frames validation", valStreams, start);
    BackboneTrainer.Options defaults = BackboneTrainer.Options.defaults(network, seedOption.seed);
    BackboneTrainer.Options options =
        new BackboneTrainer.Options(
            network,
            backboneEpochs,
            defaults.batchSize(),
            backboneLr,
            defaults.weightDecay(),
            defaults.maxShift(),
            defaults.jitter(),
            seedOption.seed);
    BackboneTrainer.Result result = BackboneTrainer.train(options, start, true, train, val, log);
    record.put("backboneEpochs", result.epochs());
    record.put("backboneKeptEpoch", result.keptEpoch());
    record.put("backboneTrainSamples", train.size());
    return result.backbone();
  }

  private List<Sample> samples(String name, List<ComposedStream> streams, TwoStreamBackbone b) {
    List<Sample> out = new ArrayList<>();
    try (PhaseBar bar = PhaseBar.start(name, streams.size(), "streams", log)) {
      for (ComposedStream stream : streams) {
        out.addAll(BackboneDataset.samples(List.of(stream), b.tensors(), QUIET));
        bar.step();
      }
    }
    return out;
  }

  private List<LabeledSequence> embed(
      String name, List<ComposedStream> streams, TwoStreamBackbone backbone) {
    List<LabeledSequence> out = new ArrayList<>();
    try (PhaseBar bar = PhaseBar.start(name, streams.size(), "streams", log)) {
      for (ComposedStream stream : streams) {
        out.addAll(WeizmannData.embed(List.of(stream), backbone, QUIET));
        bar.step();
      }
    }
    return out;
  }

  /** The epoch of best validation mAP, or the last one without validation. */
  static EpochStats chosenEpoch(TrainResult result, boolean validated) {
    List<EpochStats> epochs = result.epochs();
    if (!validated) {
      return epochs.get(epochs.size() - 1);
    }
    return epochs.stream()
        .filter(e -> !Double.isNaN(e.valMAP()))
        .max(Comparator.comparingDouble(EpochStats::valMAP))
        .orElse(epochs.get(epochs.size() - 1));
  }

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
}
