package io.oad.training.backbone;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.oad.extractor.FrameTensor;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.extractor.TwoStreamConfig;
import io.oad.extractor.TwoStreamNetwork;
import io.oad.training.Eta;
import io.oad.training.GuardedStep;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * Trains a {@link TwoStreamBackbone} as a frame classifier (softmax cross-entropy over background +
 * actions, Adam with cosine-decayed learning rate, one libtorch thread) and returns it with the
 * history of every epoch. Each training sample is augmented on the fly so that the network learns
 * the action, not the person or the exact framing: horizontal flip of both streams, a random shift
 * of a few pixels, brightness/contrast and per-channel colour jitter. Knows nothing of video: the
 * caller gives labelled {@link FrameTensor}s. Everything random is drawn from {@link
 * Options#seed()}.
 */
public final class BackboneTrainer {
  private static final String ENGINE = "PyTorch";
  private static final int EVAL_BATCH = 64;

  /** A labelled training or validation frame. */
  public record Sample(FrameTensor tensor, int label) {
    /** Checks the fields. */
    public Sample {
      Objects.requireNonNull(tensor, "tensor");
      if (label < 0) {
        throw new IllegalArgumentException("negative label " + label);
      }
    }
  }

  /**
   * How to train.
   *
   * @param network the network's shape
   * @param epochs passes over the training samples, at least 1
   * @param batchSize samples per optimizer step, at least 2 (BatchNorm)
   * @param learningRate Adam's initial learning rate, decayed along a cosine to 2% at the end
   * @param weightDecay L2 weight decay
   * @param maxShift largest random shift in pixels (0 disables it)
   * @param jitter brightness/contrast jitter amplitude (0 disables it), e.g. 0.2 for ±20%
   * @param seed seeds initialisation, shuffling, dropout and augmentation
   */
  public record Options(
      TwoStreamConfig network,
      int epochs,
      int batchSize,
      float learningRate,
      float weightDecay,
      int maxShift,
      float jitter,
      long seed) {
    /** Validates the options. */
    public Options {
      Objects.requireNonNull(network, "network");
      if (epochs < 1 || batchSize < 2 || !(learningRate > 0) || weightDecay < 0) {
        throw new IllegalArgumentException(
            "need epochs >= 1, batchSize >= 2, learningRate > 0, weightDecay >= 0");
      }
      if (maxShift < 0 || maxShift > Math.min(network.width(), network.height()) / 4) {
        throw new IllegalArgumentException("maxShift out of range: " + maxShift);
      }
      if (jitter < 0 || jitter >= 1) {
        throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
      }
    }

    /**
     * The defaults for {@code network}: 12 epochs, batch 32, lr 2e-3, wd 5e-4, shift 4, jitter .2.
     */
    public static Options defaults(TwoStreamConfig network, long seed) {
      return new Options(network, 12, 32, 2e-3f, 5e-4f, 4, 0.2f, seed);
    }

    /** The same options with another number of epochs. */
    public Options withEpochs(int epochs) {
      return new Options(
          network, epochs, batchSize, learningRate, weightDecay, maxShift, jitter, seed);
    }
  }

  /**
   * One epoch's numbers; validation numbers are NaN without validation samples.
   *
   * @param trainAccuracy accuracy on the augmented training batches while training
   * @param valAccuracy fraction of validation frames classified correctly
   * @param valBalancedAccuracy mean over the classes present in validation of their recall, so that
   *     a frequent class (e.g. background) cannot dominate
   */
  public record EpochStats(
      int epoch,
      double trainLoss,
      double trainAccuracy,
      double valAccuracy,
      double valBalancedAccuracy,
      double seconds) {}

  /**
   * The trained backbone (the caller closes it), every epoch's numbers and the epoch whose weights
   * it holds (the last one, or with {@code keepBest} the one of best balanced validation accuracy).
   */
  public record Result(TwoStreamBackbone backbone, List<EpochStats> epochs, int keptEpoch) {}

  private final Options options;
  private final PrintStream log;
  private final TwoStreamBackbone start;
  private final boolean keepBest;

  private BackboneTrainer(
      Options options, PrintStream log, TwoStreamBackbone start, boolean keepBest) {
    this.options = options;
    this.log = log;
    this.start = start;
    this.keepBest = keepBest;
  }

  /**
   * Trains a new backbone.
   *
   * @param train training samples, at least {@code batchSize}; labels below the network's classes
   * @param val validation samples (may be empty)
   * @param log receives one progress line per epoch
   */
  public static Result train(
      Options options, List<Sample> train, List<Sample> val, PrintStream log) {
    return train(options, null, false, train, val, log);
  }

  /**
   * Fine-tunes: as {@link #train(Options, List, List, PrintStream)}, starting from {@code start}'s
   * weights wherever a parameter has the same name and shape (all but the classifier head when the
   * classes differ, which starts from random weights). {@code start} is not changed.
   *
   * @param start the backbone to start from, or null to start from random weights
   * @param keepBest return the weights of the epoch of best balanced validation accuracy (the
   *     validation samples choose the training length) instead of the last epoch's
   */
  public static Result train(
      Options options,
      TwoStreamBackbone start,
      boolean keepBest,
      List<Sample> train,
      List<Sample> val,
      PrintStream log) {
    check(options, train, "training");
    check(options, val, "validation");
    if (train.size() < options.batchSize()) {
      throw new IllegalArgumentException(
          "need at least one batch of "
              + options.batchSize()
              + " training samples: "
              + train.size());
    }
    Engine.getEngine(ENGINE); // loads the native library before threads are set
    int threadsBefore = JniUtils.getNumThreads();
    JniUtils.setNumThreads(1);
    try {
      return new BackboneTrainer(options, log, start, keepBest && !val.isEmpty()).run(train, val);
    } finally {
      JniUtils.setNumThreads(threadsBefore);
    }
  }

  private static void check(Options options, List<Sample> samples, String what) {
    int plane = options.network().width() * options.network().height();
    for (Sample s : samples) {
      if (s.label() >= options.network().classes()) {
        throw new IllegalArgumentException(
            what + " label " + s.label() + " >= classes " + options.network().classes());
      }
      if (s.tensor().motion().length != plane) {
        throw new IllegalArgumentException(
            what + " sample of " + s.tensor().motion().length + " pixels, expected " + plane);
      }
    }
  }

  private Result run(List<Sample> train, List<Sample> val) {
    Engine engine = Engine.getEngine(ENGINE);
    engine.setRandomSeed((int) options.seed());
    NDManager manager = engine.newBaseManager();
    try {
      TwoStreamNetwork network = new TwoStreamNetwork(options.network());
      network.initialize(manager, DataType.FLOAT32, network.inputShapes(options.batchSize()));
      if (start != null) {
        copyMatching(start.network(), network);
      }
      List<Parameter> trained = new ArrayList<>();
      for (Parameter p : network.getParameters().values()) {
        if (p.requiresGradient()) {
          trained.add(p);
        }
      }
      int batches = train.size() / options.batchSize(); // drop the ragged tail: BatchNorm
      int totalSteps = batches * options.epochs();
      float lr = options.learningRate();
      Optimizer adam =
          Optimizer.adam()
              .optLearningRateTracker(new CosineDecay(lr, totalSteps))
              .optWeightDecays(options.weightDecay())
              .build();
      ParameterStore store = new ParameterStore(manager, false);
      GuardedStep update = new GuardedStep(engine, trained, adam, 0f);
      Loss loss = Loss.softmaxCrossEntropyLoss();
      Augmenter augmenter =
          new Augmenter(options.network().width(), options.network().height(), options);
      Random random = new Random(options.seed() * 1_000_003L + 7);
      List<EpochStats> history = new ArrayList<>();
      List<NDArray> best = null;
      int bestEpoch = options.epochs();
      double bestAccuracy = Double.NEGATIVE_INFINITY;
      long loopStart = System.nanoTime();
      for (int epoch = 0; epoch < options.epochs(); epoch++) {
        long start = System.nanoTime();
        int[] order = shuffled(train.size(), random);
        double lossSum = 0;
        long correct = 0;
        int skipped = 0;
        for (int b = 0; b < batches; b++) {
          List<FrameTensor> inputs = new ArrayList<>(options.batchSize());
          float[] labels = new float[options.batchSize()];
          for (int k = 0; k < options.batchSize(); k++) {
            Sample s = train.get(order[b * options.batchSize() + k]);
            inputs.add(augmenter.apply(s.tensor(), random));
            labels[k] = s.label();
          }
          try (NDManager scope = manager.newSubManager()) {
            NDArray target = scope.create(labels);
            NDList x = TwoStreamBackbone.inputs(scope, options.network(), inputs);
            long[] hits = new long[1];
            float value =
                update.run(
                    scope,
                    () -> {
                      NDArray logits = network.forward(store, x, true).get(1);
                      hits[0] =
                          logits
                              .argMax(1)
                              .toType(DataType.FLOAT32, false)
                              .eq(target)
                              .sum()
                              .getLong();
                      return loss.evaluate(new NDList(target), new NDList(logits));
                    });
            if (Float.isNaN(value)) {
              skipped++;
              log.printf(
                  Locale.ROOT,
                  "backbone epoch %d/%d  batch %d/%d  loss or gradient not finite: update skipped%n",
                  epoch + 1,
                  options.epochs(),
                  b + 1,
                  batches);
            } else {
              lossSum += value;
              correct += hits[0];
            }
          }
        }
        double[] valAccuracy =
            val.isEmpty()
                ? new double[] {Double.NaN, Double.NaN}
                : accuracy(network, store, manager, val);
        EpochStats stats =
            new EpochStats(
                epoch + 1,
                batches == skipped ? Double.NaN : lossSum / (batches - skipped),
                batches == skipped
                    ? Double.NaN
                    : (double) correct / ((long) (batches - skipped) * options.batchSize()),
                valAccuracy[0],
                valAccuracy[1],
                (System.nanoTime() - start) / 1e9);
        history.add(stats);
        log.printf(
            Locale.ROOT,
            "backbone epoch %d/%d: loss %.4f, train acc %.3f, val acc %.3f (balanced %.3f) (%.1f s, %s)%n",
            stats.epoch(),
            options.epochs(),
            stats.trainLoss(),
            stats.trainAccuracy(),
            stats.valAccuracy(),
            stats.valBalancedAccuracy(),
            stats.seconds(),
            Eta.after(loopStart, stats.epoch(), options.epochs()));
        if (keepBest && stats.valBalancedAccuracy() > bestAccuracy) {
          bestAccuracy = stats.valBalancedAccuracy();
          bestEpoch = stats.epoch();
          if (best != null) {
            best.forEach(NDArray::close);
          }
          best = new ArrayList<>();
          for (ai.djl.util.Pair<String, Parameter> p : network.getParameters()) {
            best.add(p.getValue().getArray().duplicate());
          }
        }
      }
      if (best != null) {
        int i = 0;
        for (ai.djl.util.Pair<String, Parameter> p : network.getParameters()) {
          p.getValue().getArray().set(best.get(i++).toByteBuffer());
        }
        best.forEach(NDArray::close);
        log.printf(
            Locale.ROOT,
            "backbone: kept epoch %d of %d (best balanced validation accuracy %.3f)%n",
            bestEpoch,
            options.epochs(),
            bestAccuracy);
      }
      return new Result(new TwoStreamBackbone(manager, network), List.copyOf(history), bestEpoch);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Frame accuracy and balanced accuracy of the network's head on {@code samples}, without
   * augmentation.
   */
  private double[] accuracy(
      TwoStreamNetwork network, ParameterStore store, NDManager manager, List<Sample> samples) {
    int classes = options.network().classes();
    long[] total = new long[classes];
    long[] hits = new long[classes];
    long correct = 0;
    for (int from = 0; from < samples.size(); from += EVAL_BATCH) {
      List<Sample> part = samples.subList(from, Math.min(samples.size(), from + EVAL_BATCH));
      try (NDManager scope = manager.newSubManager()) {
        NDList x =
            TwoStreamBackbone.inputs(
                scope, options.network(), part.stream().map(Sample::tensor).toList());
        long[] predicted = network.forward(store, x, false).get(1).argMax(1).toLongArray();
        for (int i = 0; i < predicted.length; i++) {
          int label = part.get(i).label();
          total[label]++;
          if (predicted[i] == label) {
            correct++;
            hits[label]++;
          }
        }
      }
    }
    double recallSum = 0;
    int present = 0;
    for (int c = 0; c < classes; c++) {
      if (total[c] > 0) {
        recallSum += (double) hits[c] / total[c];
        present++;
      }
    }
    return new double[] {(double) correct / samples.size(), recallSum / present};
  }

  /** Copies every parameter of {@code from} into the one of {@code to} of equal name and shape. */
  private void copyMatching(TwoStreamNetwork from, TwoStreamNetwork to) {
    java.util.Map<String, Parameter> source = new java.util.HashMap<>();
    for (ai.djl.util.Pair<String, Parameter> p : from.getParameters()) {
      source.put(p.getKey(), p.getValue());
    }
    int copied = 0;
    List<String> kept = new ArrayList<>();
    for (ai.djl.util.Pair<String, Parameter> p : to.getParameters()) {
      Parameter s = source.get(p.getKey());
      NDArray target = p.getValue().getArray();
      if (s != null && s.getArray().getShape().equals(target.getShape())) {
        target.set(s.getArray().toByteBuffer());
        copied++;
      } else {
        kept.add(p.getKey());
      }
    }
    log.printf(
        Locale.ROOT,
        "fine-tuning: %d parameters from the start backbone, %d new %s%n",
        copied,
        kept.size(),
        kept);
  }

  /** Learning rate along half a cosine from {@code initial} to 2% of it over {@code steps}. */
  private record CosineDecay(float initial, int steps) implements Tracker {
    @Override
    public float getNewValue(int numUpdate) {
      double progress = Math.min(numUpdate, steps) / (double) steps;
      return (float) (initial * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * progress))));
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
}
