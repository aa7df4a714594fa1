package io.oad.detector.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Objects;

/**
 * One trainable tensor of the model under its name in the official PyTorch {@code state_dict}, with
 * the official shape (which may differ from the DJL shape only by unit axes, e.g. a Conv1d kernel
 * of size 1 stored as a Linear weight) and how a fresh model initialises it.
 *
 * @param name official state-dict name, e.g. {@code encoder.net.0.fn.fn.qkv.weight}
 * @param parameter the DJL parameter holding the values
 * @param officialShape shape in the official state dict
 * @param init how {@code create} initialises it, mirroring PyTorch's defaults
 * @param fanIn fan-in used by {@link Init#FAN_IN_UNIFORM} (0 otherwise)
 */
public record OfficialParameter(
    String name, Parameter parameter, Shape officialShape, Init init, int fanIn) {

  /** PyTorch default initialisations used by the official modules. */
  public enum Init {
    /** Zeros: task token, decoder queries, LayerNorm bias. */
    ZEROS,
    /** Ones: LayerNorm weight. */
    ONES,
    /** Standard normal: nn.Embedding (position tables). */
    NORMAL,
    /** Uniform in ±1/sqrt(fanIn): nn.Linear and nn.Conv1d weight and bias. */
    FAN_IN_UNIFORM
  }

  /** Validates the entry. */
  public OfficialParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parameter, "parameter");
    Objects.requireNonNull(officialShape, "officialShape");
    Objects.requireNonNull(init, "init");
    if (officialShape.size() != parameter.getShape().size()) {
      throw new IllegalArgumentException(
          name + ": official shape " + officialShape + " does not fit " + parameter.getShape());
    }
    if (init == Init.FAN_IN_UNIFORM && fanIn <= 0) {
      throw new IllegalArgumentException(name + ": fan-in uniform needs a positive fanIn");
    }
  }

  /** The shape of the DJL parameter. */
  public Shape shape() {
    return parameter.getShape();
  }
}
