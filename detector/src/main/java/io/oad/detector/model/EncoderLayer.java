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
 * One pre-norm encoder block of OadTR (the official ViT {@code TransformerModel}): {@code x +
 * drop(MHSA(LN(x)))}, then {@code x + FFN(LN(x))}, with a bias-free qkv projection and GELU.
 */
public final class EncoderLayer extends AbstractBlock {
  private final int dModel;
  private final int heads;
  private final float dropout;
  private final Norm attentionNorm;
  private final Dense qkv;
  private final Dense proj;
  private final Norm ffnNorm;
  private final Dense fc1;
  private final Dense fc2;

  /** Builds one block. */
  public EncoderLayer(int dModel, int heads, int ffn, float dropout) {
    this.dModel = dModel;
    this.heads = heads;
    this.dropout = dropout;
    attentionNorm = addChildBlock("attention_norm", new Norm(dModel));
    qkv = addChildBlock("qkv", new Dense(dModel, 3 * dModel, false));
    proj = addChildBlock("proj", new Dense(dModel, dModel, true));
    ffnNorm = addChildBlock("ffn_norm", new Norm(dModel));
    fc1 = addChildBlock("fc1", new Dense(dModel, ffn, true));
    fc2 = addChildBlock("fc2", new Dense(ffn, dModel, true));
  }

  /**
   * Official entries: the block occupies two slots of {@code encoder.net}.
   *
   * @param index zero-based block index
   */
  public List<OfficialParameter> official(int index) {
    String attention = "encoder.net." + (2 * index) + ".fn";
    String ffn = "encoder.net." + (2 * index + 1) + ".fn";
    List<OfficialParameter> out = new ArrayList<>();
    out.addAll(attentionNorm.official(attention + ".norm"));
    out.addAll(qkv.official(attention + ".fn.qkv", false));
    out.addAll(proj.official(attention + ".fn.proj", false));
    out.addAll(ffnNorm.official(ffn + ".norm"));
    out.addAll(fc1.official(ffn + ".fn.net.0", false));
    out.addAll(fc2.official(ffn + ".fn.net.3", false));
    return out;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // [B, N, d]
    // packed qkv [B, N, 3d]: q, k and v are views of its thirds, [B, N, d] each
    NDArray h = attentionNorm.forward(store, new NDList(x), training).singletonOrThrow();
    NDList qkvParts = qkv.forward(store, new NDList(h), training).singletonOrThrow().split(3, 2);
    NDArray attended =
        Attention.attend(
            qkvParts.get(0), qkvParts.get(1), qkvParts.get(2), heads, false, dropout, training);
    NDArray a = proj.forward(store, new NDList(attended), training).head();
    // the official code drops twice: SelfAttention.proj_drop, then PreNormDrop.dropout
    a = Attention.drop(Attention.drop(a, dropout, training), dropout, training);
    x = x.add(a);
    // feed-forward: Linear → GELU → drop → Linear → drop
    h = ffnNorm.forward(store, new NDList(x), training).singletonOrThrow();
    h = Activation.gelu(fc1.forward(store, new NDList(h), training).singletonOrThrow());
    h = Attention.drop(h, dropout, training);
    h =
        Attention.drop(
            fc2.forward(store, new NDList(h), training).singletonOrThrow(), dropout, training);
    return new NDList(x.add(h));
  }

  /**
   * Single-output form of this block: only the LAST token's output [B, 1, d], its query attending
   * to the keys and values of all tokens of {@code x} [B, N, d]. Equals the last row of {@link
   * #forward} (the tokens of a pre-norm block are normalised one by one and only attention mixes
   * them), at about 1/N of the query, output-projection and feed-forward cost.
   */
  public NDArray forwardLastToken(ParameterStore store, NDArray x, boolean training) {
    NDArray h = attentionNorm.forward(store, new NDList(x), training).singletonOrThrow();
    NDArray last = x.get(":, -1:, :"); // [B, 1, d]
    NDArray hLast = h.get(":, -1:, :");
    NDArray q = qkv.forwardRows(store, hLast, 0, dModel, training); // [B, 1, d]
    NDList kv = qkv.forwardRows(store, h, dModel, 3 * dModel, training).split(2, 2); // [B, N, d]
    NDArray attended = Attention.attend(q, kv.get(0), kv.get(1), heads, false, dropout, training);
    NDArray a = proj.forward(store, new NDList(attended), training).head();
    a = Attention.drop(Attention.drop(a, dropout, training), dropout, training);
    NDArray y = last.add(a);
    NDArray f = ffnNorm.forward(store, new NDList(y), training).singletonOrThrow();
    f = Activation.gelu(fc1.forward(store, new NDList(f), training).singletonOrThrow());
    f = Attention.drop(f, dropout, training);
    f =
        Attention.drop(
            fc2.forward(store, new NDList(f), training).singletonOrThrow(), dropout, training);
    return y.add(f);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    attentionNorm.initialize(manager, dataType, s);
    qkv.initialize(manager, dataType, s);
    proj.initialize(manager, dataType, s);
    ffnNorm.initialize(manager, dataType, s);
    fc1.initialize(manager, dataType, s);
    fc2.initialize(manager, dataType, fc1.getOutputShapes(new Shape[] {s}));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
