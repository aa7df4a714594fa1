package io.oad.extractor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The network of {@link TwoStreamBackbone}: an appearance CNN over the current RGB frame and a
 * motion CNN over the frame difference, each a stack of 3x3 conv + BatchNorm + ReLU + 2x2 max-pool
 * stages, flattened and concatenated, then projected to the embedding (after ReLU). A linear
 * classification head on the embedding is used only while training.
 *
 * <p>Input: rgb (N, 3, H, W) and motion (N, 1, H, W). Output: embedding (N, D) and logits (N, C).
 */
public final class TwoStreamNetwork extends AbstractBlock {
  private static final byte VERSION = 1;
  private static final float FEATURE_DROPOUT = 0.3f;
  private static final float EMBEDDING_DROPOUT = 0.3f;

  private final TwoStreamConfig config;
  private final Block appearance;
  private final Block motion;
  private final Block featureDropout;
  private final Block projection;
  private final Block embeddingDropout;
  private final Block head;

  public TwoStreamNetwork(TwoStreamConfig config) {
    super(VERSION);
    this.config = config;
    this.appearance = addChildBlock("appearance", stream(config));
    this.motion = addChildBlock("motion", stream(config));
    this.featureDropout =
        addChildBlock("featureDropout", Dropout.builder().optRate(FEATURE_DROPOUT).build());
    this.projection =
        addChildBlock("projection", Linear.builder().setUnits(config.dimension()).build());
    this.embeddingDropout =
        addChildBlock("embeddingDropout", Dropout.builder().optRate(EMBEDDING_DROPOUT).build());
    this.head = addChildBlock("head", Linear.builder().setUnits(config.classes()).build());
  }

  private static Block stream(TwoStreamConfig config) {
    SequentialBlock block = new SequentialBlock();
    for (int channels : config.channels()) {
      block
          .add(
              Conv2d.builder()
                  .setKernelShape(new Shape(3, 3))
                  .optPadding(new Shape(1, 1))
                  .setFilters(channels)
                  .optBias(false)
                  .build())
          .add(BatchNorm.builder().build())
          .add(new ReluBeforePool())
          .add(new MaxPool2x2());
    }
    block.add(Blocks.batchFlattenBlock());
    return block;
  }

  /**
   * The ReLU of a stage, as {@link Activation#reluBlock} (and stored the same way), but outside
   * training the identity: the {@link MaxPool2x2} that follows applies it after pooling, on a
   * quarter of the values. The same numbers: ReLU is non-decreasing, so it commutes with a maximum.
   */
  static final class ReluBeforePool extends LambdaBlock {
    ReluBeforePool() {
      super(Activation::relu, "ReLU");
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore parameterStore,
        NDList inputs,
        boolean training,
        PairList<String, Object> params) {
      return training ? Activation.relu(inputs) : inputs;
    }
  }

  /**
   * 2x2 max-pooling with stride 2, as {@link Pool#maxPool2dBlock} (and stored the same way: a
   * lambda block without parameters), but outside training computed as the element-wise maximum of
   * the four strided views of the input, then the stage's ReLU (see {@link ReluBeforePool}): the
   * same numbers (a maximum is exact), about 3x less time than libtorch's single-threaded {@code
   * max_pool2d} on these small NCHW planes, where it took half of the backbone's time. Training
   * keeps {@code max_pool2d} and its gradient.
   */
  static final class MaxPool2x2 extends LambdaBlock {
    private static final Shape TWO = new Shape(2, 2);
    private static final Shape NONE = new Shape(0, 0);

    MaxPool2x2() {
      super(list -> new NDList(pooled(list.singletonOrThrow())), "maxPool2d");
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore parameterStore,
        NDList inputs,
        boolean training,
        PairList<String, Object> params) {
      NDArray x = inputs.singletonOrThrow();
      return new NDList(training ? pooled(x) : Activation.relu(stridedMax(x)));
    }

    private static NDArray pooled(NDArray x) {
      return Pool.maxPool2d(x, TWO, TWO, NONE, false);
    }

    /**
     * The maximum of each 2x2 block of the (N, C, H, W) input; an odd last row or column is
     * dropped, as max_pool2d does.
     */
    static NDArray stridedMax(NDArray x) {
      Shape shape = x.getShape();
      long h = shape.get(2) - shape.get(2) % 2;
      long w = shape.get(3) - shape.get(3) % 2;
      if (h == 0 || w == 0) {
        return pooled(x); // let max_pool2d refuse it with its own message
      }
      String rows0 = "0:" + h + ":2";
      String rows1 = "1:" + h + ":2";
      String cols0 = "0:" + w + ":2";
      String cols1 = "1:" + w + ":2";
      NDArray top =
          NDArrays.maximum(
              x.get(":, :, " + rows0 + ", " + cols0), x.get(":, :, " + rows0 + ", " + cols1));
      NDArray bottom =
          NDArrays.maximum(
              x.get(":, :, " + rows1 + ", " + cols0), x.get(":, :, " + rows1 + ", " + cols1));
      return NDArrays.maximum(top, bottom);
    }
  }

  public TwoStreamConfig config() {
    return config;
  }

  /** BatchNorm's epsilon: DJL's default, which every stage is built with. */
  static final float BATCH_NORM_EPSILON = 1e-5f;

  /**
   * The inference form of this network's current parameters, in {@code manager}: each stage's
   * convolution and BatchNorm (running statistics) folded into one convolution with a bias, {@code
   * W' = W * g / sqrt(v + eps)}, {@code b' = beta - mean * g / sqrt(v + eps)}, then the strided
   * max-pool and ReLU of {@link MaxPool2x2}; the projection and its ReLU; no dropout and no
   * classification head, which serving never reads. The same embedding as {@code forward} outside
   * training up to float rounding, with a third fewer native calls and no BatchNorm pass. It is a
   * snapshot: parameters changed later (training) are not seen.
   */
  Folded fold(NDManager manager) {
    return new Folded(foldStream(appearance, manager), foldStream(motion, manager));
  }

  private static List<NDArray[]> foldStream(Block stream, NDManager manager) {
    List<NDArray[]> stages = new ArrayList<>();
    NDArray weight = null;
    for (Pair<String, Block> child : stream.getChildren()) {
      Block block = child.getValue();
      if (block instanceof Conv2d) {
        weight = block.getParameters().get("weight").getArray();
      } else if (block instanceof BatchNorm) {
        NDArray gamma = block.getParameters().get("gamma").getArray();
        NDArray beta = block.getParameters().get("beta").getArray();
        NDArray mean = block.getParameters().get("runningMean").getArray();
        NDArray variance = block.getParameters().get("runningVar").getArray();
        try (NDManager scratch = manager.newSubManager()) {
          NDArray scale =
              scratch(
                  scratch,
                  gamma.div(
                      scratch(scratch, scratch(scratch, variance.add(BATCH_NORM_EPSILON)).sqrt())));
          NDArray w = weight.mul(scratch(scratch, scale.reshape(scale.size(), 1, 1, 1)));
          NDArray b = beta.sub(scratch(scratch, mean.mul(scale)));
          w.attach(manager);
          b.attach(manager);
          stages.add(new NDArray[] {w, b});
        }
      }
    }
    return stages;
  }

  /** {@code array}, now owned by {@code scratch} (closed with it). */
  private static NDArray scratch(NDManager scratch, NDArray array) {
    array.attach(scratch);
    return array;
  }

  /** See {@link #fold}. */
  final class Folded {
    private final List<NDArray[]> appearanceStages;
    private final List<NDArray[]> motionStages;
    private final NDArray projectionWeight;
    private final NDArray projectionBias;

    private Folded(List<NDArray[]> appearance, List<NDArray[]> motion) {
      this.appearanceStages = appearance;
      this.motionStages = motion;
      this.projectionWeight = projection.getParameters().get("weight").getArray();
      this.projectionBias = projection.getParameters().get("bias").getArray();
    }

    /** The embeddings (N, D) of rgb (N, 3, H, W) and motion (N, 1, H, W). */
    NDArray embed(NDArray rgb, NDArray motionPlanes) {
      NDArray a = stream(appearanceStages, rgb);
      NDArray m = stream(motionStages, motionPlanes);
      NDArray features = a.concat(m, 1);
      return Activation.relu(
          Linear.linear(features, projectionWeight, projectionBias).singletonOrThrow());
    }

    private NDArray stream(List<NDArray[]> stages, NDArray x) {
      for (NDArray[] stage : stages) {
        x = Conv2d.conv2d(x, stage[0], stage[1], STRIDE, PADDING, DILATION, 1).singletonOrThrow();
        x = Activation.relu(MaxPool2x2.stridedMax(x));
      }
      return x.reshape(x.getShape().get(0), -1);
    }
  }

  private static final Shape STRIDE = new Shape(1, 1);
  private static final Shape PADDING = new Shape(1, 1);
  private static final Shape DILATION = new Shape(1, 1);

  /** Input shapes for a batch of {@code n}. */
  public Shape[] inputShapes(long n) {
    return new Shape[] {
      new Shape(n, 3, config.height(), config.width()),
      new Shape(n, 1, config.height(), config.width())
    };
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray a =
        appearance.forward(parameterStore, new NDList(inputs.get(0)), training).singletonOrThrow();
    NDArray m =
        motion.forward(parameterStore, new NDList(inputs.get(1)), training).singletonOrThrow();
    NDArray features = a.concat(m, 1);
    features =
        featureDropout.forward(parameterStore, new NDList(features), training).singletonOrThrow();
    NDArray embedding =
        Activation.relu(
            projection.forward(parameterStore, new NDList(features), training).singletonOrThrow());
    NDArray dropped =
        embeddingDropout
            .forward(parameterStore, new NDList(embedding), training)
            .singletonOrThrow();
    NDArray logits = head.forward(parameterStore, new NDList(dropped), training).singletonOrThrow();
    return new NDList(embedding, logits);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    appearance.initialize(manager, dataType, inputShapes[0]);
    motion.initialize(manager, dataType, inputShapes[1]);
    long n = inputShapes[0].get(0);
    Shape features = new Shape(n, 2L * config.streamFeatures());
    featureDropout.initialize(manager, dataType, features);
    projection.initialize(manager, dataType, features);
    Shape embedding = new Shape(n, config.dimension());
    embeddingDropout.initialize(manager, dataType, embedding);
    head.initialize(manager, dataType, embedding);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    return new Shape[] {new Shape(n, config.dimension()), new Shape(n, config.classes())};
  }
}
