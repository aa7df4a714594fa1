package io.oad.detector.model;

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
import io.oad.detector.OadtrConfig;
import io.oad.detector.OadtrVariant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The OadTR encoder-decoder (official {@code VisionTransformer_v3}) as a DJL block.
 *
 * <p>Input: windows [B, T, featureDim], the current step last. Output: current-step logits [B, C]
 * and future-step logits [B, F, C].
 */
public final class OadtrBlock extends AbstractBlock {
  private final OadtrConfig config;
  private final Parameter taskToken;
  private final Parameter queries;
  private final Parameter positions;
  private final Parameter queryPositions;
  private final Dense inputProjection;
  private final List<EncoderLayer> encoder = new ArrayList<>();
  private final Norm encoderNorm;
  private final Dense currentHead;
  private final List<DecoderLayer> decoder = new ArrayList<>();
  private final Norm decoderNorm;
  private final Dense futureHead;

  /** Builds an uninitialised block for {@code config}. */
  public OadtrBlock(OadtrConfig config) {
    this.config = config;
    int d = config.dModel();
    int tokens = config.window() + 1;
    int f = config.futureSteps();
    taskToken = addParameter(tensor("task_token", new Shape(1, 1, d)));
    queries = addParameter(tensor("queries", new Shape(1, f, d)));
    positions = addParameter(tensor("positions", new Shape(tokens, d)));
    // present in the official model (and its checkpoints) but never used by its forward pass
    queryPositions = addParameter(tensor("query_positions", new Shape(f, d)));
    inputProjection = addChildBlock("input_projection", new Dense(config.featureDim(), d, true));
    for (int i = 0; i < config.encoderLayers(); i++) {
      encoder.add(
          addChildBlock(
              "encoder" + i,
              new EncoderLayer(d, config.encoderHeads(), config.encoderFfn(), config.dropout())));
    }
    encoderNorm = addChildBlock("encoder_norm", new Norm(d));
    currentHead = addChildBlock("current_head", new Dense(2 * d, config.numClasses(), true));
    for (int i = 0; i < config.decoderLayers(); i++) {
      decoder.add(
          addChildBlock(
              "decoder" + i,
              new DecoderLayer(d, config.decoderHeads(), config.decoderFfn(), config.dropout())));
    }
    decoderNorm = addChildBlock("decoder_norm", new Norm(d));
    futureHead = addChildBlock("future_head", new Dense(d, config.numClasses(), true));
  }

  private static Parameter tensor(String name, Shape shape) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(shape)
        .optInitializer(Initializer.ZEROS)
        .build();
  }

  /** The configuration this block was built for. */
  public OadtrConfig config() {
    return config;
  }

  /** The input shape of a batch of {@code batch} windows. */
  public Shape inputShape(int batch) {
    return new Shape(batch, config.window(), config.featureDim());
  }

  /** Every trainable tensor under its official state-dict name, in the official order. */
  public List<OfficialParameter> officialParameters() {
    int d = config.dModel();
    int tokens = config.window() + 1;
    int f = config.futureSteps();
    List<OfficialParameter> out = new ArrayList<>();
    out.add(own("cls_token", taskToken, new Shape(1, 1, d), OfficialParameter.Init.ZEROS));
    out.add(own("decoder_cls_token", queries, new Shape(1, f, d), OfficialParameter.Init.ZEROS));
    out.addAll(inputProjection.official("linear_encoding", false));
    out.add(
        own(
            "position_encoding.pe.weight",
            positions,
            new Shape(tokens, d),
            OfficialParameter.Init.NORMAL));
    for (int i = 0; i < encoder.size(); i++) {
      out.addAll(encoder.get(i).official(i));
    }
    out.addAll(encoderNorm.official("pre_head_ln"));
    out.addAll(currentHead.official("mlp_head", false));
    for (int i = 0; i < decoder.size(); i++) {
      out.addAll(decoder.get(i).official(i));
    }
    out.addAll(decoderNorm.official("decoder.norm"));
    out.add(
        own(
            "decoder_position_encoding.pe.weight",
            queryPositions,
            new Shape(f, d),
            OfficialParameter.Init.NORMAL));
    out.addAll(futureHead.official("classifier", false));
    return Collections.unmodifiableList(out);
  }

  /**
   * Non-trainable buffers of the official state dict (name → length of its {@code arange}); they
   * carry no information and are only written so that the official code can load an export.
   */
  public Map<String, Integer> officialBuffers() {
    Map<String, Integer> buffers = new LinkedHashMap<>();
    buffers.put("position_encoding.position_ids", config.window() + 1);
    buffers.put("decoder_position_encoding.position_ids", config.futureSteps());
    return buffers;
  }

  private static OfficialParameter own(
      String name, Parameter p, Shape shape, OfficialParameter.Init init) {
    return new OfficialParameter(name, p, shape, init, 0);
  }

  /** Number of trainable values. */
  public long parameterCount() {
    long n = 0;
    for (OfficialParameter p : officialParameters()) {
      n += p.shape().size();
    }
    return n;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray windows = inputs.singletonOrThrow(); // [B, T, D]
    return forwardProjected(store, project(store, windows, training), training);
  }

  /**
   * The input projection alone, {@code Linear(featureDim → dModel)} applied to every step: [..., D]
   * → [..., dModel]. Position encodings are added later (per window position), so a step's
   * projection does not depend on the window it is in and can be computed once per step.
   */
  public NDArray project(ParameterStore store, NDArray steps, boolean training) {
    return inputProjection.forward(store, new NDList(steps), training).head();
  }

  /**
   * The model after the input projection: windows of projected steps [B, T, dModel] (from {@link
   * #project}) → current-step logits [B, C] and future-step logits [B, F, C]. {@code
   * forwardProjected(project(x))} is exactly the block's forward pass on {@code x}.
   */
  public NDList forwardProjected(ParameterStore store, NDArray projected, boolean training) {
    long batch = projected.getShape().get(0);
    int d = config.dModel();
    // tokens [B, T+1, d]: projected steps, then the task token LAST
    NDArray task = store.getValue(taskToken, projected.getDevice(), training);
    NDArray x = projected.concat(batchOf(task, new Shape(batch, 1, d), projected), 1);
    x = x.add(store.getValue(positions, x.getDevice(), training));
    x = Attention.drop(x, config.dropout(), training);
    int full = config.variant() == OadtrVariant.SINGLE_OUTPUT ? encoder.size() - 1 : encoder.size();
    for (int i = 0; i < full; i++) {
      EncoderLayer layer = encoder.get(i);
      x = layered(x, null, training, in -> layer.forward(store, new NDList(in), training).head());
    }
    if (full < encoder.size()) {
      // single-output last layer: only the task token is recomputed; the step tokens keep the
      // previous layer's outputs and the decoder reads them as they are
      NDArray token = encoder.get(full).forwardLastToken(store, x, training); // [B, 1, d]
      x = x.get(":, :-1, :").concat(token, 1);
    }
    NDArray memory = encoderNorm.forward(store, new NDList(x), training).head(); // [B, T+1, d]
    // decoder: F learned queries [B, F, d]. In inference they enter as ONE batch element [1, F, d]:
    // the first layer's causal self-attention then runs once for the whole batch (its input is the
    // same learned queries for every window) and the cross-attention broadcasts it to the batch of
    // the memory. Training keeps B copies so that dropout draws independent masks per window.
    NDArray q =
        batchOf(
            store.getValue(queries, x.getDevice(), training),
            new Shape(training ? batch : 1, config.futureSteps(), d),
            x);
    for (DecoderLayer layer : decoder) {
      q =
          layered(
              q,
              memory,
              training,
              in -> layer.forward(store, new NDList(in, memory), training).head());
    }
    NDArray dec = decoderNorm.forward(store, new NDList(q), training).head();
    dec = Attention.drop(dec, config.dropout(), training);
    NDArray future = futureHead.forward(store, new NDList(dec), training).head(); // [B, F, C]
    // current: [task token output ‖ mean of decoder outputs] [B, 2d]
    NDArray token = memory.get(":, -1, :");
    NDArray joined = token.concat(dec.mean(new int[] {1}), 1);
    NDArray current = currentHead.forward(store, new NDList(joined), training).head(); // [B, C]
    return new NDList(current, future);
  }

  /**
   * Runs one layer on {@code input}. In inference its intermediate tensors are freed as soon as it
   * returns, and so is {@code input} (the previous layer's output), so that a prediction reuses a
   * few hot buffers instead of holding every intermediate of the whole model until it ends; the
   * output is owned by the manager of the input. {@code shared} (e.g. the encoder memory read by
   * every decoder layer) is lent to the layer and kept. In training everything is kept for the
   * backward pass.
   */
  private static NDArray layered(
      NDArray input, NDArray shared, boolean training, UnaryOperator<NDArray> layer) {
    if (training) {
      return layer.apply(input);
    }
    NDManager owner = input.getManager();
    try (NDManager scope = owner.newSubManager()) {
      input.attach(scope);
      if (shared != null) {
        shared.tempAttach(scope);
      }
      NDArray out = layer.apply(input);
      out.attach(owner);
      return out;
    }
  }

  /** Broadcasts a parameter to the batch, owned by the batch's manager so it is freed with it. */
  private static NDArray batchOf(NDArray parameter, Shape shape, NDArray like) {
    NDArray out = parameter.broadcast(shape);
    out.attach(like.getManager());
    return out;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    long batch = in.get(0);
    Shape tokens = new Shape(batch, config.window() + 1, config.dModel());
    Shape queryShape = new Shape(batch, config.futureSteps(), config.dModel());
    inputProjection.initialize(manager, dataType, in);
    for (EncoderLayer layer : encoder) {
      layer.initialize(manager, dataType, tokens);
    }
    encoderNorm.initialize(manager, dataType, tokens);
    currentHead.initialize(manager, dataType, new Shape(batch, 2L * config.dModel()));
    for (DecoderLayer layer : decoder) {
      layer.initialize(manager, dataType, queryShape, tokens);
    }
    decoderNorm.initialize(manager, dataType, queryShape);
    futureHead.initialize(manager, dataType, queryShape);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return new Shape[] {
      new Shape(batch, config.numClasses()),
      new Shape(batch, config.futureSteps(), config.numClasses())
    };
  }
}
