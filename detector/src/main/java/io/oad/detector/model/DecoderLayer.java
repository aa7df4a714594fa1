package io.oad.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * One post-norm decoder layer of OadTR: causal self-attention among the queries → add &amp; LN,
 * cross-attention to the encoder outputs → add &amp; LN, GELU feed-forward → add &amp; LN. Inputs:
 * queries [B, F, d] (or [1, F, d], the same queries for every element of the batch), encoder memory
 * [B, T+1, d]; output [B, F, d].
 */
public final class DecoderLayer extends AbstractBlock {
  private final float dropout;
  private final ProjectedAttention selfAttention;
  private final ProjectedAttention crossAttention;
  private final Dense conv1;
  private final Dense conv2;
  private final Norm norm1;
  private final Norm norm2;
  private final Norm norm3;

  /** Builds one layer. */
  public DecoderLayer(int dModel, int heads, int ffn, float dropout) {
    this.dropout = dropout;
    selfAttention =
        addChildBlock("self_attention", new ProjectedAttention(dModel, heads, true, dropout));
    crossAttention =
        addChildBlock("cross_attention", new ProjectedAttention(dModel, heads, false, dropout));
    conv1 = addChildBlock("conv1", new Dense(dModel, ffn, true));
    conv2 = addChildBlock("conv2", new Dense(ffn, dModel, true));
    norm1 = addChildBlock("norm1", new Norm(dModel));
    norm2 = addChildBlock("norm2", new Norm(dModel));
    norm3 = addChildBlock("norm3", new Norm(dModel));
  }

  /** Official entries of {@code decoder.layers.<index>}. */
  public List<OfficialParameter> official(int index) {
    String p = "decoder.layers." + index;
    List<OfficialParameter> out = new ArrayList<>();
    out.addAll(selfAttention.official(p + ".self_attention"));
    out.addAll(crossAttention.official(p + ".cross_attention"));
    out.addAll(conv1.official(p + ".conv1", true));
    out.addAll(conv2.official(p + ".conv2", true));
    out.addAll(norm1.official(p + ".norm1"));
    out.addAll(norm2.official(p + ".norm2"));
    out.addAll(norm3.official(p + ".norm3"));
    return out;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0); // queries [B, F, d], or [1, F, d] shared by the batch of the memory
    NDArray memory = inputs.get(1); // encoder outputs [B, T+1, d]
    NDArray a = selfAttention.forward(store, new NDList(x, x), training).head();
    x =
        norm1
            .forward(store, new NDList(x.add(Attention.drop(a, dropout, training))), training)
            .head();
    a = crossAttention.forward(store, new NDList(x, memory), training).head();
    x =
        norm2
            .forward(store, new NDList(x.add(Attention.drop(a, dropout, training))), training)
            .head();
    // kernel-1 convolutions = position-wise feed-forward
    NDArray y = Activation.gelu(conv1.forward(store, new NDList(x), training).head());
    y = Attention.drop(y, dropout, training);
    y = Attention.drop(conv2.forward(store, new NDList(y), training).head(), dropout, training);
    return norm3.forward(store, new NDList(x.add(y)), training);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape q = inputShapes[0];
    selfAttention.initialize(manager, dataType, q, q);
    crossAttention.initialize(manager, dataType, q, inputShapes[1]);
    conv1.initialize(manager, dataType, q);
    conv2.initialize(manager, dataType, conv1.getOutputShapes(new Shape[] {q}));
    norm1.initialize(manager, dataType, q);
    norm2.initialize(manager, dataType, q);
    norm3.initialize(manager, dataType, q);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape q = inputShapes[0];
    return new Shape[] {new Shape(inputShapes[1].get(0), q.get(1), q.get(2))};
  }
}
