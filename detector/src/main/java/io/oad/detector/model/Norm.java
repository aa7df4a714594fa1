package io.oad.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.List;

/**
 * Layer normalisation over the last axis with PyTorch's parameter names and eps (nn.LayerNorm
 * default 1e-5, which the official OadTR modules use everywhere).
 */
public final class Norm extends AbstractBlock {
  /** PyTorch nn.LayerNorm default. */
  public static final float EPS = 1e-5f;

  private final int dim;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param dim normalised width
   */
  public Norm(int dim) {
    this.dim = dim;
    weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(dim))
                .optInitializer(Initializer.ONES)
                .build());
    bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(dim))
                .optInitializer(Initializer.ZEROS)
                .build());
  }

  /** The official entries of this layer under {@code prefix}. */
  public List<OfficialParameter> official(String prefix) {
    return List.of(
        new OfficialParameter(
            prefix + ".weight", weight, new Shape(dim), OfficialParameter.Init.ONES, 0),
        new OfficialParameter(
            prefix + ".bias", bias, new Shape(dim), OfficialParameter.Init.ZEROS, 0));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray g = store.getValue(weight, x.getDevice(), training);
    NDArray b = store.getValue(bias, x.getDevice(), training);
    return LayerNorm.layerNorm(x, new Shape(dim), g, b, EPS);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
