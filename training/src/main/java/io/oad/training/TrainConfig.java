package io.oad.training;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.SyntheticSequences;
import io.oad.detector.OadtrConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a training run needs besides its data: the model, its classes, and the optimisation
 * settings of the official OadTR code (see {@link #paperThumos()}). Build with {@link
 * #builder(OadtrConfig, List, ClassLayout)}; every field is validated.
 *
 * @param model the model to train
 * @param classNames one name per class, index 0 = background
 * @param layout background and ambiguous classes (ambiguous windows are dropped, its logit masked)
 * @param epochs total epochs (a resumed run continues up to this number)
 * @param batchSize windows per optimizer step
 * @param learningRate Adam learning rate of the first epoch
 * @param weightDecay L2 weight decay added to the gradient (as torch.optim.Adam)
 * @param lrDecay factor applied to the learning rate every {@code lrDecayEvery} epochs
 * @param lrDecayEvery epochs between learning-rate decays
 * @param clipNorm maximum global gradient norm (0 = no clipping)
 * @param futureWeight weight of the future-step loss
 * @param seed seeds initialisation, shuffling and dropout
 * @param logEvery print a progress line every this many batches (0 = never)
 * @param evalBatch windows per predict call during validation
 * @param resume continue from the checkpoint in the output folder, if there is one
 * @param modelId prefix of the saved archives' model ids
 * @param extractorId feature extractor that produced the features (may be null)
 * @param threads PyTorch intra-op threads while training (0 = leave the engine's setting); the
 *     setting is process-wide and restored afterwards. One thread is much faster for small models
 *     on a busy machine, where spinning OpenMP workers wait for each other.
 */
public record TrainConfig(
    OadtrConfig model,
    List<String> classNames,
    ClassLayout layout,
    int epochs,
    int batchSize,
    float learningRate,
    float weightDecay,
    float lrDecay,
    int lrDecayEvery,
    float clipNorm,
    float futureWeight,
    long seed,
    int logEvery,
    int evalBatch,
    boolean resume,
    String modelId,
    String extractorId,
    int threads) {

  /** Validates the configuration. */
  public TrainConfig {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(layout, "layout");
    classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
    if (classNames.size() != model.numClasses() || layout.numClasses() != model.numClasses()) {
      throw new IllegalArgumentException(
          "model has "
              + model.numClasses()
              + " classes but "
              + classNames.size()
              + " class names and a layout of "
              + layout.numClasses());
    }
    positive("epochs", epochs);
    positive("batchSize", batchSize);
    positive("lrDecayEvery", lrDecayEvery);
    positive("evalBatch", evalBatch);
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
    }
    if (!(weightDecay >= 0) || !(clipNorm >= 0) || !(futureWeight >= 0)) {
      throw new IllegalArgumentException(
          "weightDecay, clipNorm and futureWeight must be >= 0, got "
              + weightDecay
              + ", "
              + clipNorm
              + ", "
              + futureWeight);
    }
    if (!(lrDecay > 0 && lrDecay <= 1)) {
      throw new IllegalArgumentException("lrDecay must be in (0, 1], got " + lrDecay);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }
    if (logEvery < 0) {
      throw new IllegalArgumentException("logEvery must be >= 0, got " + logEvery);
    }
    if (modelId == null || modelId.isBlank()) {
      throw new IllegalArgumentException("modelId must be non-blank");
    }
    if (extractorId != null && extractorId.isBlank()) {
      throw new IllegalArgumentException("extractorId must be null or non-blank");
    }
  }

  /**
   * THUMOS14 class names in the order of the official targets: background, 20 actions, ambiguous.
   */
  public static List<String> thumosClassNames() {
    List<String> names = new ArrayList<>();
    names.add("Background");
    names.addAll(
        List.of(
            "BaseballPitch",
            "BasketballDunk",
            "Billiards",
            "CleanAndJerk",
            "CliffDiving",
            "CricketBowling",
            "CricketShot",
            "Diving",
            "FrisbeeCatch",
            "GolfSwing",
            "HammerThrow",
            "HighJump",
            "JavelinThrow",
            "LongJump",
            "PoleVault",
            "Shotput",
            "SoccerPenalty",
            "TennisSwing",
            "ThrowDiscus",
            "VolleyballSpiking"));
    names.add("Ambiguous");
    return names;
  }

  /**
   * The official THUMOS14 recipe: the paper's model, 4 epochs, batch 128, Adam lr 1e-4 with weight
   * decay 1e-4, lr × 0.1 after every epoch, gradient norm 1.0, future weight 0.5.
   */
  public static TrainConfig paperThumos() {
    return builder(OadtrConfig.thumos(), thumosClassNames(), ClassLayout.thumos14())
        .optModelId("oadtr-thumos")
        .build();
  }

  /**
   * A model and schedule sized for {@link SyntheticSequences} in CI: window 16, width 32, 4 future
   * steps; 4 epochs of batch 32 at lr 1e-3 halved every epoch.
   */
  public static TrainConfig synthetic(SyntheticSequences.Spec spec) {
    OadtrConfig model =
        new OadtrConfig(spec.featureDim(), 16, 32, 2, 4, 64, 1, 2, 64, 4, spec.numClasses(), 0.1f);
    return builder(model, spec.classNames(), ClassLayout.of(spec.numClasses(), 0))
        .optEpochs(4)
        .optBatchSize(32)
        .optLearningRate(3e-3f)
        .optLrDecay(0.7f)
        .optLogEvery(0)
        .optThreads(1)
        .optModelId("oadtr-synthetic")
        .build();
  }

  /** A builder with the official defaults for everything but the model and its classes. */
  public static Builder builder(OadtrConfig model, List<String> classNames, ClassLayout layout) {
    return new Builder(model, classNames, layout);
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder(model, classNames, layout);
    b.epochs = epochs;
    b.batchSize = batchSize;
    b.learningRate = learningRate;
    b.weightDecay = weightDecay;
    b.lrDecay = lrDecay;
    b.lrDecayEvery = lrDecayEvery;
    b.clipNorm = clipNorm;
    b.futureWeight = futureWeight;
    b.seed = seed;
    b.logEvery = logEvery;
    b.evalBatch = evalBatch;
    b.resume = resume;
    b.modelId = modelId;
    b.extractorId = extractorId;
    b.threads = threads;
    return b;
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /** Builds a {@link TrainConfig}; defaults are the official recipe's. */
  public static final class Builder {
    private OadtrConfig model;
    private List<String> classNames;
    private ClassLayout layout;
    private int epochs = 4;
    private int batchSize = 128;
    private float learningRate = 1e-4f;
    private float weightDecay = 1e-4f;
    private float lrDecay = 0.1f;
    private int lrDecayEvery = 1;
    private float clipNorm = 1f;
    private float futureWeight = 0.5f;
    private long seed = 0;
    private int logEvery = 50;
    private int evalBatch = 64;
    private boolean resume;
    private String modelId = "oadtr";
    private String extractorId;
    private int threads;

    private Builder(OadtrConfig model, List<String> classNames, ClassLayout layout) {
      this.model = model;
      this.classNames = classNames;
      this.layout = layout;
    }

    public Builder setModel(OadtrConfig model) {
      this.model = model;
      return this;
    }

    /** Replaces the class names and their layout (the model must get as many classes). */
    public Builder setClasses(List<String> classNames, ClassLayout layout) {
      this.classNames = classNames;
      this.layout = layout;
      return this;
    }

    public Builder optEpochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder optBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder optLearningRate(float learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    public Builder optWeightDecay(float weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    public Builder optLrDecay(float lrDecay) {
      this.lrDecay = lrDecay;
      return this;
    }

    public Builder optLrDecayEvery(int epochs) {
      this.lrDecayEvery = epochs;
      return this;
    }

    public Builder optClipNorm(float clipNorm) {
      this.clipNorm = clipNorm;
      return this;
    }

    public Builder optFutureWeight(float futureWeight) {
      this.futureWeight = futureWeight;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optLogEvery(int batches) {
      this.logEvery = batches;
      return this;
    }

    public Builder optEvalBatch(int windows) {
      this.evalBatch = windows;
      return this;
    }

    public Builder optResume(boolean resume) {
      this.resume = resume;
      return this;
    }

    public Builder optModelId(String modelId) {
      this.modelId = modelId;
      return this;
    }

    public Builder optExtractorId(String extractorId) {
      this.extractorId = extractorId;
      return this;
    }

    public Builder optThreads(int threads) {
      this.threads = threads;
      return this;
    }

    public TrainConfig build() {
      return new TrainConfig(
          model,
          classNames,
          layout,
          epochs,
          batchSize,
          learningRate,
          weightDecay,
          lrDecay,
          lrDecayEvery,
          clipNorm,
          futureWeight,
          seed,
          logEvery,
          evalBatch,
          resume,
          modelId,
          extractorId,
          threads);
    }
  }
}
