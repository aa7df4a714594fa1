package io.oad.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.datasets.compose.AnnotatedVideos;
import io.oad.datasets.compose.Annotations;
import io.oad.datasets.compose.ClassFolders;
import io.oad.datasets.compose.Clip;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.datasets.compose.ComposedStream;
import io.oad.datasets.compose.GroupSplit;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code oad teach}: from your own footage to a served model in one command. The footage is either
 * trimmed clips in the class-folder layout ({@code --clips}: untrimmed streams are composed per
 * group, the gaps showing the group's median background) or untrimmed videos with temporal
 * annotations ({@code --videos} and {@code --annotations}: each video is a stream as it is). Both
 * then go through one flow: fine-tune the shipped backbone on the training groups' frames, train
 * OadTR on the new backbone's embeddings (the validation groups choose the epochs), evaluate on the
 * held-out groups with {@code oad eval}'s report and write {@code OUT/backbone}, {@code
 * OUT/detector}, {@code OUT/eval} and {@code OUT/teach.json}.
 */
@Command(
    name = "teach",
    mixinStandardHelpOptions = true,
    description = {
      "Teach the service your own actions, from trimmed clips laid out as DIR/<action>/<any name>.<video> (any",
      "container, codec, size and frame rate FFmpeg reads; no manifest, no background images; untrimmed",
      "streams are composed per group) or from untrimmed videos with an annotation file (--videos DIR",
      "--annotations FILE: CSV video,action,start_s,end_s or ActivityNet JSON). Fine-tunes the backbone, trains",
      "OadTR, evaluates on the held-out groups and writes OUT/backbone, OUT/detector (load them with oad extract",
      "--backbone-dir, oad detect --model-dir, oad demo --model) and OUT/eval/report.{json,html}."
    })
public final class TeachCommand implements Callable<Integer> {
  /** The record of a run, written into {@code OUT}. */
  public static final String RECORD = "teach.json";

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  /** Trimmed clips, or untrimmed videos with their annotations: one of the two. */
  static final class Source {
    @Option(
        names = "--clips",
        required = true,
        paramLabel = "DIR",
        description = "Folder of action folders: DIR/<action>/<clip>.")
    Path clips;

    @ArgGroup(exclusive = false)
    Untrimmed untrimmed;
  }

  /** Untrimmed videos and their temporal annotations. */
  static final class Untrimmed {
    @Option(
        names = "--videos",
        required = true,
        paramLabel = "DIR",
        description = "Folder of untrimmed videos, the files the annotations name.")
    Path videos;

    @Option(
        names = "--annotations",
        required = true,
        paramLabel = "FILE",
        description =
            "Their action intervals: .csv with header video,action,start_s,end_s (THUMOS style) or"
                + " ActivityNet .json ({\"database\": {id: {\"annotations\": [{\"segment\": [s, e],"
                + " \"label\": ...}]}}}). Frames outside every interval are background.")
    Path annotations;
  }

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
          "Regular expression searched in each file name; its first capture group is the clip's or video's"
              + " group (person, camera, session), e.g. '^([a-z]+)_'. Default: the file name without extension"
              + " (every clip or video its own group).")
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
      description =
          "Composed streams per training group, --clips only (default: ${DEFAULT-VALUE}).")
  int streamsPerGroup;

  @Option(
      names = "--holdout-streams",
      defaultValue = "3",
      description =
          "Composed streams per held-out group for the evaluation, --clips only (default:"
              + " ${DEFAULT-VALUE}).")
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

  @Spec CommandSpec spec;

  private final PrintStream log = System.out;

  /**
   * What the shared flow trains and evaluates on, whichever the source.
   *
   * @param classNames background first, then the actions sorted
   * @param capBackground bring the backbone's background frames down to the share composed streams
   *     have ({@link BackboneDataset#COMPOSED_BACKGROUND_RATIO}); composed streams have it already
   */
  record Streams(
      List<String> classNames,
      GroupSplit split,
      List<ComposedStream> train,
      List<ComposedStream> val,
      List<ComposedStream> holdout,
      boolean capBackground) {}

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
    Map<String, Object> record = new LinkedHashMap<>();
    Streams streams = source.clips != null ? fromClips(work, record) : fromVideos(work, record);
    record.put("groupPattern", groupPattern);
    record.put("classNames", streams.classNames());
    record.put("trainGroups", streams.split().train());
    record.put("valGroups", streams.split().val());
    record.put("holdoutGroups", streams.split().holdout());
    record.put("seed", seedOption.seed);
    record.put("startBackbone", startDir.toAbsolutePath().normalize().toString());
    teach(streams, startDir, work, record);
    record.put("seconds", (System.nanoTime() - t0) / 1e9);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(out.resolve(RECORD).toFile(), record);
    log.printf(
        Locale.ROOT,
        "taught in %.0f s: %s, %s, report %s%n",
        (System.nanoTime() - t0) / 1e9,
        out.resolve("backbone"),
        out.resolve("detector"),
        out.resolve("eval").resolve("report.html"));
    return 0;
  }

  /** Trimmed clips: composed streams per group, gaps showing the group's median background. */
  private Streams fromClips(Path work, Map<String, Object> record) {
    log.println("[1/6] clips and backgrounds: " + source.clips);
    ClipCatalog catalog =
        ClassFolders.load(source.clips, groupPattern, work.resolve("backgrounds"), log);
    GroupSplit split =
        split(
            catalog.subjects(),
            g -> catalog.clipsOf(g).stream().map(Clip::action).toList(),
            catalog.actions(),
            catalog.dir().toString(),
            "clip");

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
    record.put("clips", catalog.dir().toString());
    return new Streams(
        catalog.classNames(), split, trainStreams, valStreams, holdoutStreams, false);
  }

  /** Untrimmed videos: each video a stream as it is, labelled from the annotation file. */
  private Streams fromVideos(Path work, Map<String, Object> record) {
    for (String composeOnly : List.of("--streams-per-group", "--holdout-streams")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(composeOnly)) {
        throw new IllegalArgumentException(
            composeOnly + " applies to --clips only: with --videos every video is one stream");
      }
    }
    Untrimmed u = source.untrimmed;
    log.println("[1/6] annotations " + u.annotations + " and videos " + u.videos);
    Annotations annotations = Annotations.read(u.annotations);
    AnnotatedVideos videos =
        AnnotatedVideos.load(u.videos, annotations, groupPattern, work.resolve("labels"), log);
    GroupSplit split =
        split(
            videos.groups(), videos::actionsOf, videos.actions(), videos.dir().toString(), "video");
    log.printf(
        Locale.ROOT,
        "[2/6] %d videos: %d train, %d validation, %d held out (labels in %s)%n",
        videos.streams().size(),
        videos.streamsOf(split.train()).size(),
        videos.streamsOf(split.val()).size(),
        videos.streamsOf(split.holdout()).size(),
        work.resolve("labels"));
    record.put("videos", videos.dir().toString());
    record.put("annotations", videos.annotationFile().toString());
    record.put("videoFiles", videos.streams().stream().map(s -> s.video().toString()).toList());
    return new Streams(
        videos.classNames(),
        split,
        videos.streamsOf(split.train()),
        videos.streamsOf(split.val()),
        videos.streamsOf(split.holdout()),
        true);
  }

  /** The flow both sources share: fine-tune, embed, train OadTR, evaluate, write the archives. */
  private void teach(Streams streams, Path startDir, Path work, Map<String, Object> record)
      throws IOException {
    GroupSplit split = streams.split();
    log.printf(
        Locale.ROOT,
        "classes %s; train groups %s, validation %s, held out %s%n",
        streams.classNames(),
        split.train(),
        split.val(),
        split.holdout());
    Path backboneDir = out.resolve("backbone");
    try (TwoStreamBackbone start = TwoStreamBackbone.load(startDir);
        TwoStreamBackbone backbone = fineTune(startDir, start, streams, record)) {
      backbone.save(backboneDir);

      log.println("[4/6] embedding with backbone " + backbone.id());
      List<LabeledSequence> train = embed("embed train", streams.train(), backbone);
      List<LabeledSequence> val = embed("embed validation", streams.val(), backbone);
      List<LabeledSequence> holdout = embed("embed held out", streams.holdout(), backbone);

      log.println("[5/6] training OadTR");
      OadtrConfig model =
          Models.shippedConfig(backbone.dimension()).withNumClasses(streams.classNames().size());
      TrainConfig config =
          TrainConfig.builder(model, streams.classNames(), ClassLayout.of(model.numClasses(), 0))
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
  }

  private GroupSplit split(
      List<String> groups,
      Function<String, Collection<String>> actionsOf,
      List<String> actions,
      String where,
      String unit) {
    return GroupSplit.of(
        groups,
        actionsOf,
        actions,
        holdoutGroups != null ? WeizmannData.subjects(holdoutGroups) : null,
        valGroups != null ? WeizmannData.subjects(valGroups) : List.of(),
        where,
        unit);
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
      Path startDir, TwoStreamBackbone start, Streams streams, Map<String, Object> record) {
    TwoStreamConfig s = start.config();
    TwoStreamConfig network =
        new TwoStreamConfig(
            s.width(), s.height(), s.channels(), s.dimension(), streams.classNames().size());
    if (backboneEpochs == 0) {
      log.println("[3/6] backbone kept as it is (--backbone-epochs 0)");
      return TwoStreamBackbone.load(startDir); // its own instance: the caller closes both
    }
    log.println("[3/6] fine-tuning backbone " + start.id());
    List<Sample> train = samples("frames train", streams.train(), start);
    List<Sample> val = samples("frames validation", streams.val(), start);
    if (streams.capBackground()) {
      int before = train.size();
      train =
          BackboneDataset.capBackground(
              train, BackboneDataset.COMPOSED_BACKGROUND_RATIO, seedOption.seed);
      log.printf(
          Locale.ROOT,
          "background frames capped at %.1f per action frame: %d of %d training frames kept%n",
          BackboneDataset.COMPOSED_BACKGROUND_RATIO,
          train.size(),
          before);
    }
    BackboneTrainer.Options defaults = BackboneTrainer.Options.defaults(network, seedOption.seed);
    if (train.size() < defaults.batchSize()) {
      long actionFrames = train.stream().filter(x -> x.label() != 0).count();
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "the training groups %s give %d frames at %.0f per second (%d of actions%s): the backbone"
                  + " needs at least %d; add footage or annotate more of it",
              streams.split().train(),
              train.size(),
              WeizmannData.STEPS_PER_SECOND,
              actionFrames,
              streams.capBackground()
                  ? ", background capped at "
                      + BackboneDataset.COMPOSED_BACKGROUND_RATIO
                      + " per action frame"
                  : "",
              defaults.batchSize()));
    }
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
