package io.oad.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoder's attention layer (Informer-style {@code AttentionLayer} in the official code):
 * separate query/key/value projections with bias, multi-head attention, output projection. Inputs:
 * queries [B, L, d] and keys/values [B, S, d]; output [B, L, d].
 */
public final class ProjectedAttention extends AbstractBlock {
  private final int heads;
  private final boolean causal;
  private final float dropout;
  private final Dense query;
  private final Dense key;
  private final Dense value;
  private final Dense out;

  /**
   * @param causal true for the queries' self-attention (query i sees queries 0..i)
   */
  public ProjectedAttention(int dModel, int heads, boolean causal, float dropout) {
    this.heads = heads;
    this.causal = causal;
    this.dropout = dropout;
    query = addChildBlock("query", new Dense(dModel, dModel, true));
    key = addChildBlock("key", new Dense(dModel, dModel, true));
    value = addChildBlock("value", new Dense(dModel, dModel, true));
    out = addChildBlock("out", new Dense(dModel, dModel, true));
  }

  /** Official entries under {@code prefix}, e.g. {@code decoder.layers.0.self_attention}. */
  public List<OfficialParameter> official(String prefix) {
    List<OfficialParameter> list = new ArrayList<>();
    list.addAll(query.official(prefix + ".query_projection", false));
    list.addAll(key.official(prefix + ".key_projection", false));
    list.addAll(value.official(prefix + ".value_projection", false));
    list.addAll(out.official(prefix + ".out_projection", false));
    return list;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0); // [B, L, d]
    NDArray memory = inputs.get(1); // [B, S, d]
    NDArray q = query.forward(store, new NDList(x), training).head(); // [B or 1, L, d]
    NDArray k = key.forward(store, new NDList(memory), training).head(); // [B, S, d]
    NDArray v = value.forward(store, new NDList(memory), training).head();
    NDArray attended = Attention.attend(q, k, v, heads, causal, dropout, training); // [B, L, d]
    return out.forward(store, new NDList(attended), training);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    query.initialize(manager, dataType, inputShapes[0]);
    key.initialize(manager, dataType, inputShapes[1]);
    value.initialize(manager, dataType, inputShapes[1]);
    out.initialize(manager, dataType, inputShapes[0]);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
