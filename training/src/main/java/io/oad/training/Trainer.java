package io.oad.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import io.oad.datasets.LabeledSequence;
import io.oad.datasets.WindowDataset;
import io.oad.detector.Detector;
import io.oad.detector.FeatureSpec;
import io.oad.detector.OadtrConfig;
import io.oad.detector.archive.ModelArchive;
import io.oad.detector.archive.ModelManifest;
import io.oad.detector.model.OadtrBlock;
import io.oad.detector.weights.OfficialWeights;
import io.oad.detector.weights.SeededInit;
import io.oad.training.eval.EvalResult;
import io.oad.training.eval.FrameMetrics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Trains an {@link OadtrBlock} the way the official OadTR code does (see {@link TrainConfig}) with
 * a hand-written loop: seeded initialisation and shuffling, dropout on, the {@link OadtrLoss},
 * global gradient-norm clipping, Adam with a step learning-rate schedule.
 *
 * <p>After every epoch it writes a model archive {@code epoch-NN/} that {@link Detector#load}
 * reads, validates it (current and future mAP through {@link Evaluator} and {@link FrameMetrics}),
 * and records a {@link TrainerState}. With validation data, the last archive finally gets a {@link
 * io.oad.detector.FutureBlend} fitted on it ({@link FutureBlendFit}). With {@link
 * TrainConfig#resume()} a run continues after the last finished epoch of the output folder, from
 * that epoch's weights; Adam's moments restart.
 */
public final class Trainer {
  private static final String ENGINE = "PyTorch";
  private static final String UNUSED = "query_positions";

  private final TrainConfig config;
  private final PrintStream log;

  private Trainer(TrainConfig config, PrintStream log) {
    this.config = config;
    this.log = log;
  }

  /**
   * Trains on {@code train}, validates on {@code val} (may be empty: mAP is then NaN) and writes
   * archives and state into {@code outDir}. Progress goes to stderr.
   */
  public static TrainResult train(
      TrainConfig config, List<LabeledSequence> train, List<LabeledSequence> val, Path outDir) {
    Engine.getEngine(ENGINE); // loads the native library before threads are set
    int threadsBefore = JniUtils.getNumThreads();
    if (config.threads() > 0) {
      JniUtils.setNumThreads(config.threads());
    }
    try {
      return new Trainer(config, System.err).run(train, val, outDir);
    } finally {
      if (config.threads() > 0) {
        JniUtils.setNumThreads(threadsBefore);
      }
    }
  }

  private TrainResult run(List<LabeledSequence> train, List<LabeledSequence> val, Path outDir) {
    OadtrConfig model = config.model();
    WindowDataset data = WindowDataset.of(train, model, config.layout());
    if (data.size() == 0) {
      throw new IllegalArgumentException("the training set has no non-ambiguous step");
    }
    Optional<TrainerState> previous =
        config.resume() ? TrainerState.read(outDir) : Optional.empty();
    previous.ifPresent(
        s -> {
          if (!s.model().equals(model)) {
            throw new IllegalArgumentException(
                "cannot resume: " + outDir + " holds a model of " + s.model() + ", not " + model);
          }
        });
    int startEpoch = previous.map(TrainerState::epochsDone).orElse(0);
    long steps = previous.map(TrainerState::optimizerSteps).orElse(0L);
    List<EpochStats> history =
        new ArrayList<>(previous.map(TrainerState::history).orElse(List.of()));

    Engine engine = Engine.getEngine(ENGINE);
    engine.setRandomSeed((int) (config.seed() * 31 + startEpoch));
    try (NDManager manager = engine.newBaseManager()) {
      OadtrBlock block = new OadtrBlock(model);
      block.initialize(manager, DataType.FLOAT32, block.inputShape(1));
      block.freezeParameters(true); // weights are written while no gradient is tracked
      if (previous.isPresent()) {
        Path archive = outDir.resolve(history.get(history.size() - 1).archive());
        OfficialWeights.load(block, archive.resolve(ModelManifest.WEIGHTS_FILE));
        log.printf("resuming after epoch %d from %s (Adam moments restart)%n", startEpoch, archive);
      } else {
        SeededInit.apply(block, config.seed());
      }
      block.freezeParameters(false);

      StepSchedule schedule =
          new StepSchedule(config.learningRate(), config.lrDecay(), config.lrDecayEvery());
      Optimizer adam =
          Optimizer.adam()
              .optLearningRateTracker(schedule)
              .optWeightDecays(config.weightDecay())
              .build();
      List<Parameter> params = trainedParameters(block);
      OadtrLoss loss = new OadtrLoss(config.layout().ambiguous(), config.futureWeight());
      ParameterStore store = new ParameterStore(manager, false);
      Step step =
          new Step(
              manager,
              block,
              store,
              new GuardedStep(engine, params, adam, config.clipNorm()),
              loss);

      long loopStart = System.nanoTime();
      for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
        schedule.setEpoch(epoch);
        int[] order = shuffled(data.size(), new Random(config.seed() * 1_000_003L + epoch));
        int batches = (order.length + config.batchSize() - 1) / config.batchSize();
        double lossSum = 0;
        int skipped = 0;
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
          int from = b * config.batchSize();
          int[] idx =
              Arrays.copyOfRange(order, from, Math.min(order.length, from + config.batchSize()));
          float batchLoss = step.run(data.batch(idx), data);
          if (Float.isNaN(batchLoss)) {
            skipped++;
            log.printf(
                Locale.ROOT,
                "epoch %d/%d  batch %d/%d  loss or gradient not finite: update skipped%n",
                epoch + 1,
                config.epochs(),
                b + 1,
                batches);
          } else {
            lossSum += batchLoss;
            steps++;
          }
          if (config.logEvery() > 0 && ((b + 1) % config.logEvery() == 0 || b + 1 == batches)) {
            double seconds = (System.nanoTime() - start) / 1e9;
            log.printf(
                Locale.ROOT,
                "epoch %d/%d  batch %d/%d  loss %.4f  lr %.1e  %.1f windows/s%n",
                epoch + 1,
                config.epochs(),
                b + 1,
                batches,
                lossSum / Math.max(1, b + 1 - skipped),
                schedule.rateAt(epoch),
                Math.min(order.length, (b + 1) * config.batchSize()) / seconds);
          }
        }
        double windowsPerSecond = order.length / ((System.nanoTime() - start) / 1e9);
        String name = String.format(Locale.ROOT, "epoch-%02d", epoch + 1);
        Path archive = outDir.resolve(name);
        writeArchive(block, archive, epoch + 1);
        EvalResult eval = validate(archive, val);
        EpochStats stats =
            new EpochStats(
                epoch + 1,
                lossSum / Math.max(1, batches - skipped),
                eval == null ? Double.NaN : eval.mAP(),
                eval == null ? List.of() : eval.futureMAP(),
                schedule.rateAt(epoch),
                windowsPerSecond,
                name);
        history.add(stats);
        new TrainerState(epoch + 1, steps, model, history).write(outDir);
        log.printf(
            Locale.ROOT,
            "epoch %d/%d done: loss %.4f  val mAP %.4f  %.1f windows/s  %s  -> %s%n",
            epoch + 1,
            config.epochs(),
            stats.loss(),
            stats.valMAP(),
            windowsPerSecond,
            Eta.after(loopStart, epoch + 1 - startEpoch, config.epochs() - startEpoch),
            archive);
      }
    }
    if (history.isEmpty()) {
      throw new IllegalStateException("no epoch was trained");
    }
    Path last = outDir.resolve(history.get(history.size() - 1).archive());
    if (!val.isEmpty()) {
      fitFutureBlend(last, val);
    }
    return new TrainResult(history, last, steps, startEpoch);
  }

  /**
   * Every parameter but {@value #UNUSED}, which the official forward pass never uses: torch.optim
   * skips it (its gradient is None), so weight decay must not shrink it here either.
   */
  static List<Parameter> trainedParameters(OadtrBlock block) {
    List<Parameter> out = new ArrayList<>();
    boolean found = false;
    for (ai.djl.util.Pair<String, Parameter> p : block.getParameters()) {
      if (p.getKey().equals(UNUSED)) {
        found = true;
      } else {
        out.add(p.getValue());
      }
    }
    if (!found) {
      throw new IllegalStateException("OadtrBlock no longer has a parameter named " + UNUSED);
    }
    return out;
  }

  private void writeArchive(OadtrBlock block, Path archive, int epoch) {
    OadtrConfig model = config.model();
    ModelManifest manifest =
        new ModelManifest(
            ModelManifest.FORMAT,
            config.modelId() + "-e" + epoch,
            model,
            config.classNames(),
            new FeatureSpec(model.featureDim(), config.extractorId()),
            ModelManifest.WEIGHTS_FILE);
    try {
      java.nio.file.Files.createDirectories(archive);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create " + archive, e);
    }
    OfficialWeights.save(block, archive.resolve(ModelManifest.WEIGHTS_FILE));
    ModelArchive.writeManifest(archive, manifest);
  }

  /**
   * Fits the {@link io.oad.detector.FutureBlend} of the archive on the validation videos and writes
   * it into the archive's manifest.
   */
  private void fitFutureBlend(Path archive, List<LabeledSequence> val) {
    FutureBlendFit fit;
    try (Detector detector = Detector.load(archive)) {
      fit = FutureBlendFit.fit(detector, val, config.layout(), config.evalBatch());
    }
    ModelArchive.writeManifest(archive, ModelArchive.readManifest(archive).withBlend(fit.blend()));
    log.println(fit.describe());
    log.println("future blend written into " + archive.resolve(ModelArchive.MANIFEST_FILE));
  }

  private EvalResult validate(Path archive, List<LabeledSequence> val) {
    if (val.isEmpty()) {
      return null;
    }
    try (Detector detector = Detector.load(archive)) {
      return FrameMetrics.evaluate(
          config.layout(),
          Evaluator.score(detector, val, config.layout().ambiguous(), config.evalBatch()));
    }
  }

  private static int[] shuffled(int n, Random random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /** One optimizer step of OadTR on a batch of windows (see {@link GuardedStep}). */
  private record Step(
      NDManager manager,
      OadtrBlock block,
      ParameterStore store,
      GuardedStep update,
      OadtrLoss loss) {

    /** Returns the batch's loss, or NaN when its update was skipped (not finite). */
    float run(WindowDataset.Batch batch, WindowDataset data) {
      int b = batch.size();
      int c = data.numClasses();
      int f = data.futureSteps();
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = scope.create(batch.inputs(), new Shape(b, data.window(), data.dim()));
        NDArray current = scope.create(batch.current(), new Shape(b, c));
        NDArray future = scope.create(batch.future(), new Shape(b, f, c));
        NDArray mask = scope.create(batch.futureMask(), new Shape(b, f));
        return update.run(
            scope,
            () -> loss.compute(block.forward(store, new NDList(x), true), current, future, mask));
      }
    }
  }
}
