package io.oad.extractor;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * PLACEHOLDER backbone until a trained one exists: a fixed, untrained network that average-pools
 * each frame to a 16x12 RGB grid, adds a coarse colour histogram and projects both through a seeded
 * Gaussian random matrix ({@link PooledPixelNetwork}) on the PyTorch engine, one forward pass per
 * batch. Its vectors capture layout and colour, not semantics; it is deterministic for a given
 * dimension and seed, which are part of its {@link #id()}.
 *
 * <p>Thread-confined: one instance per thread.
 */
public final class PooledPixelBackbone implements Backbone {
  /** Default embedding length. */
  public static final int DEFAULT_DIMENSION = 256;

  /** Default seed of the projection matrix. */
  public static final long DEFAULT_SEED = 42L;

  private static final String ENGINE = "PyTorch";

  private final int dimension;
  private final String id;
  private final NDManager manager;
  private final PooledPixelNetwork network;
  private final ParameterStore parameters;

  /**
   * The default placeholder: {@value #DEFAULT_DIMENSION} dimensions, seed {@value #DEFAULT_SEED}.
   */
  public PooledPixelBackbone() {
    this(DEFAULT_DIMENSION, DEFAULT_SEED);
  }

  /**
   * @param dimension embedding length, 1..65536
   * @param seed seed of the random projection
   */
  public PooledPixelBackbone(int dimension, long seed) {
    if (dimension <= 0 || dimension > io.oad.contract.Embedding.MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "dimension must be in 1.." + io.oad.contract.Embedding.MAX_DIMENSION + ": " + dimension);
    }
    this.dimension = dimension;
    this.id = "pooled-pixels-rp-v1-d" + dimension + "-s" + seed;
    this.manager = Engine.getEngine(ENGINE).newBaseManager();
    try {
      this.network = new PooledPixelNetwork(dimension, seed);
      network.initialize(
          manager,
          DataType.FLOAT32,
          new Shape(1, 3, PixelPooler.GRID_HEIGHT, PixelPooler.GRID_WIDTH),
          new Shape(1, PixelPooler.HISTOGRAM_SIZE));
      this.parameters = new ParameterStore(manager, false);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[][] embed(List<BufferedImage> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("cannot embed an empty batch");
    }
    int n = images.size();
    float[] grid = new float[n * PixelPooler.GRID_SIZE];
    float[] histogram = new float[n * PixelPooler.HISTOGRAM_SIZE];
    for (int i = 0; i < n; i++) {
      PixelPooler.pool(images.get(i), i, grid, histogram);
    }
    float[] flat;
    try (NDManager batch = manager.newSubManager()) {
      NDArray gridArray =
          batch.create(grid, new Shape(n, 3, PixelPooler.GRID_HEIGHT, PixelPooler.GRID_WIDTH));
      NDArray histogramArray = batch.create(histogram, new Shape(n, PixelPooler.HISTOGRAM_SIZE));
      NDArray out =
          network
              .forward(parameters, new NDList(gridArray, histogramArray), false)
              .singletonOrThrow();
      flat = out.toFloatArray();
    }
    float[][] rows = new float[n][dimension];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * dimension, rows[i], 0, dimension);
    }
    return rows;
  }

  @Override
  public void close() {
    manager.close();
  }
}
