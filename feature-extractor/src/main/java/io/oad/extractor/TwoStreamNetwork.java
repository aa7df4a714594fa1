package io.oad.extractor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

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
          .add(Activation.reluBlock())
          .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
    }
    block.add(Blocks.batchFlattenBlock());
    return block;
  }

  public TwoStreamConfig config() {
    return config;
  }

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
