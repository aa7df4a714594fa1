package io.oad.extractor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Random;

/**
 * The fixed, untrained network behind {@link PooledPixelBackbone}: normalises a pooled RGB grid and
 * a colour histogram, concatenates them and projects the result through a Gaussian random matrix
 * drawn from a seeded {@link Random} (so it is identical on every run and machine). A random
 * projection roughly preserves distances between inputs, which is all a placeholder needs.
 */
final class PooledPixelNetwork extends AbstractBlock {
  /** Inputs after concatenation: the grid plus the histogram. */
  static final int INPUT_SIZE = PixelPooler.GRID_SIZE + PixelPooler.HISTOGRAM_SIZE;

  // the square-rooted histogram has unit L2 norm; this gives it about half the grid's weight
  private static final float HISTOGRAM_WEIGHT = 12f;
  private static final byte VERSION = 1;

  private final int dimension;
  private final Parameter projection;

  PooledPixelNetwork(int dimension, long seed) {
    super(VERSION);
    this.dimension = dimension;
    this.projection =
        addParameter(
            Parameter.builder()
                .setName("projection")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(INPUT_SIZE, dimension))
                .optInitializer(seededGaussian(seed))
                .optRequiresGrad(false)
                .build());
  }

  /**
   * @param inputs grid (N, 3, 12, 16) with values 0..255 and histogram (N, 64) of fractions
   * @return the embeddings (N, dimension)
   */
  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray grid = inputs.get(0);
    NDArray histogram = inputs.get(1);
    long n = grid.getShape().get(0);
    // grid to roughly [-2, 2]: (v / 255 - 0.5) / 0.25, then (N, 576)
    NDArray normalisedGrid = grid.div(255f).sub(0.5f).div(0.25f).reshape(n, PixelPooler.GRID_SIZE);
    // Hellinger mapping: sqrt of fractions, (N, 64)
    NDArray weightedHistogram = histogram.sqrt().mul(HISTOGRAM_WEIGHT);
    // (N, 640) x (640, D) -> (N, D)
    NDArray features = normalisedGrid.concat(weightedHistogram, 1);
    NDArray weights = parameterStore.getValue(projection, features.getDevice(), training);
    return new NDList(features.matMul(weights));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), dimension)};
  }

  private static Initializer seededGaussian(long seed) {
    return (NDManager manager, Shape shape, DataType dataType) -> {
      Random random = new Random(seed);
      int rows = (int) shape.get(0);
      float[] values = new float[(int) shape.size()];
      // scaled by 1/sqrt(rows) so an output has about the norm of its input
      double scale = 1.0 / Math.sqrt(rows);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (random.nextGaussian() * scale);
      }
      return manager.create(values, shape).toType(dataType, false);
    };
  }
}
