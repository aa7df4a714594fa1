package io.oad.bench;

import io.oad.detector.OadtrConfig;
import io.oad.detector.OadtrVariant;

/**
 * Analytic cost of one OadTR prediction (one window), counted as multiply-accumulates of the matrix
 * products; FLOPs = 2 × MACs. Element-wise work (LayerNorm, GELU, softmax, residual adds, the
 * position table) is left out: it is under 1% at every configuration we run.
 *
 * <p>With N = T + 1 encoder tokens (the window plus the task token), d = dModel, Q = futureSteps
 * decoder queries, C = numClasses:
 *
 * <pre>
 * input projection         T·featureDim·d
 * encoder, per layer       N·d·3d (QKV) + N·N·d (scores) + N·N·d (weighted sum) + N·d·d (proj)
 *                          + 2·N·d·encoderFfn (FFN)
 * decoder, per layer       self-attention: Q·d·3d + 2·Q·Q·d + Q·d·d (the causal mask saves nothing)
 *                          cross-attention: Q·d·d (query) + 2·N·d·d (keys, values of the encoder
 *                          outputs) + 2·Q·N·d + Q·d·d (proj)
 *                          FFN: 2·Q·d·decoderFfn
 * heads                    Q·d·C (future head) + 2d·C (current head)
 * </pre>
 *
 * At the paper's THUMOS configuration this is 2.47 GMAC (4.95 GFLOP), the "≈2.5 GFLOPs" the paper
 * quotes (which counts MACs).
 *
 * <p>The single-output variant's last encoder layer computes one token: N·d·2d (keys, values) + d·d
 * (query) + 2·N·d (scores, weighted sum) + d·d (proj) + 2·d·encoderFfn. With the cached input
 * projection a prediction projects one new step: featureDim·d instead of T·featureDim·d.
 */
final class OadtrFlops {
  private OadtrFlops() {}

  /** Multiply-accumulates of one prediction. */
  static long macsPerPrediction(OadtrConfig c) {
    long t = c.window();
    long n = t + 1;
    long d = c.dModel();
    long q = c.futureSteps();
    long classes = c.numClasses();
    long input = t * c.featureDim() * d;
    long encoderLayer = n * d * 3 * d + 2 * n * n * d + n * d * d + 2 * n * d * c.encoderFfn();
    long encoder = c.encoderLayers() * encoderLayer;
    if (c.variant() == OadtrVariant.SINGLE_OUTPUT) {
      encoder += n * d * 2 * d + d * d + 2 * n * d + d * d + 2 * d * c.encoderFfn() - encoderLayer;
    }
    long selfAttention = q * d * 3 * d + 2 * q * q * d + q * d * d;
    long crossAttention = q * d * d + 2 * n * d * d + 2 * q * n * d + q * d * d;
    long decoderLayer = selfAttention + crossAttention + 2 * q * d * c.decoderFfn();
    long heads = q * d * classes + 2 * d * classes;
    return input + encoder + c.decoderLayers() * decoderLayer + heads;
  }

  /** Multiply-accumulates of one prediction from cached projected steps (one new projection). */
  static long macsPerCachedPrediction(OadtrConfig c) {
    return macsPerPrediction(c) - (c.window() - 1L) * c.featureDim() * c.dModel();
  }

  /** Floating-point operations of one prediction (2 per multiply-accumulate). */
  static double flopsPerPrediction(OadtrConfig c) {
    return 2.0 * macsPerPrediction(c);
  }
}
