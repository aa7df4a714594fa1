package io.oad.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One optimizer update, the same for every network the project trains (the OadTR detector and the
 * two-stream backbone): forward pass and loss under a gradient collector, backward, clipping by the
 * global gradient norm, the update, gradients zeroed for the next batch.
 *
 * <p>A batch whose loss or gradient norm is not finite (an overflow) skips its update, as
 * mixed-precision trainers do: clipping would scale an infinite gradient by 0 into NaN weights for
 * good. Its gradients are still zeroed (NaN entries included), so the next batch starts clean.
 */
public final class GuardedStep {
  private final Engine engine;
  private final List<Parameter> params;
  private final Optimizer optimizer;
  private final float clipNorm;

  /**
   * @param params the trained parameters (those that require a gradient)
   * @param clipNorm the global-norm bound; 0 = no clipping (the norm is still checked)
   */
  public GuardedStep(Engine engine, List<Parameter> params, Optimizer optimizer, float clipNorm) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.params = List.copyOf(params);
    this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    this.clipNorm = clipNorm;
  }

  /**
   * Runs one update.
   *
   * @param scope the batch's manager; gradients are attached to it and freed with it
   * @param forwardLoss computes the batch's scalar loss (called inside the gradient collector)
   * @return the batch's loss, or NaN when the update was skipped because it was not finite
   */
  public float run(NDManager scope, Supplier<NDArray> forwardLoss) {
    float value;
    try (GradientCollector collector = engine.newGradientCollector()) {
      NDArray total = forwardLoss.get();
      collector.backward(total);
      value = total.getFloat();
    }
    List<NDArray> gradients = new ArrayList<>(params.size());
    for (Parameter p : params) {
      NDArray g = p.getArray().getGradient();
      g.attach(scope); // frees the handle, not the gradient itself
      gradients.add(g);
    }
    double norm = GlobalNormClip.clip(gradients, clipNorm);
    boolean finite = Float.isFinite(value) && Double.isFinite(norm);
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      NDArray g = gradients.get(i);
      if (finite) {
        optimizer.update(p.getId(), p.getArray(), g);
      }
      g.subi(g);
      if (!finite) {
        // inf - inf is NaN: zero those entries too, in place
        try (NDArray nan = g.isNaN()) {
          g.set(nan, 0f);
        }
      }
    }
    return finite ? value : Float.NaN;
  }
}
