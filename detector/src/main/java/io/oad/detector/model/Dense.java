package io.oad.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.List;

/**
 * A fully connected layer over the last axis, {@code y = x W^T + b}, with the weight stored as
 * [out, in] like PyTorch's nn.Linear so official weights load unchanged. Also stands in for the
 * official decoder's kernel-1 Conv1d, which computes the same thing.
 */
public final class Dense extends AbstractBlock {
  private final int in;
  private final int out;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param in input width
   * @param out output width
   * @param withBias whether the layer has a bias
   */
  public Dense(int in, int out, boolean withBias) {
    this.in = in;
    this.out = out;
    weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in))
                .optInitializer(Initializer.ZEROS)
                .build());
    bias =
        withBias
            ? addParameter(
                Parameter.builder()
                    .setName("bias")
                    .setType(Parameter.Type.BIAS)
                    .optShape(new Shape(out))
                    .optInitializer(Initializer.ZEROS)
                    .build())
            : null;
  }

  /**
   * The official entries of this layer.
   *
   * @param prefix official module name, e.g. {@code linear_encoding}
   * @param kernelAxis true if the official tensor is a Conv1d weight [out, in, 1]
   */
  public List<OfficialParameter> official(String prefix, boolean kernelAxis) {
    Shape officialWeight = kernelAxis ? new Shape(out, in, 1) : new Shape(out, in);
    OfficialParameter w =
        new OfficialParameter(
            prefix + ".weight", weight, officialWeight, OfficialParameter.Init.FAN_IN_UNIFORM, in);
    if (bias == null) {
      return List.of(w);
    }
    return List.of(
        w,
        new OfficialParameter(
            prefix + ".bias", bias, new Shape(out), OfficialParameter.Init.FAN_IN_UNIFORM, in));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = store.getValue(weight, x.getDevice(), training);
    NDArray b = bias == null ? null : store.getValue(bias, x.getDevice(), training);
    return new NDList(linear(x, w, b));
  }

  /**
   * {@code x W^T + b} over the last axis of x. Inputs of more than two axes are run as one 2-D
   * product of all their rows: libtorch's C++ {@code linear} fuses the bias into the product
   * ({@code addmm}) only for 2-D inputs, and otherwise adds it in a second pass. Small outputs
   * (under 32,768 values) keep their shape: there the two extra native calls cost more.
   */
  static NDArray linear(NDArray x, NDArray w, NDArray b) {
    Shape s = x.getShape();
    // a small output is cheaper to bias in a second pass than to reshape twice (two native calls)
    if (s.dimension() <= 2
        || (s.size() / s.get(s.dimension() - 1)) * w.getShape().get(0) < 32_768) {
      return Linear.linear(x, w, b).singletonOrThrow();
    }
    long rows = s.size() / s.get(s.dimension() - 1);
    NDArray y = Linear.linear(x.reshape(rows, s.get(s.dimension() - 1)), w, b).singletonOrThrow();
    return y.reshape(s.slice(0, s.dimension() - 1).add(w.getShape().get(0)));
  }

  /**
   * Output features {@code from} (inclusive) to {@code to} (exclusive) only: {@code x W[from:to]^T
   * + b[from:to]}, e.g. the key and value parts of a packed qkv projection.
   */
  NDArray forwardRows(ParameterStore store, NDArray x, int from, int to, boolean training) {
    if (from < 0 || to > out || from >= to) {
      throw new IllegalArgumentException(
          "rows [" + from + ", " + to + ") outside a layer of " + out + " outputs");
    }
    NDArray w = store.getValue(weight, x.getDevice(), training);
    NDArray b = bias == null ? null : store.getValue(bias, x.getDevice(), training);
    String rows = from + ":" + to;
    return linear(x, w.get(rows), b == null ? null : b.get(rows));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
  }
}
