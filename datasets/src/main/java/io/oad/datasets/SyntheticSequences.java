package io.oad.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded synthetic feature sequences on which a window model can learn and a per-step classifier
 * cannot, small enough for CI.
 *
 * <p>How a sequence is made: there are P shared prototype vectors (standard normal, drawn from
 * {@link Spec#patternSeed}). Every step's feature is ONE prototype plus Gaussian noise, so a single
 * step only tells which prototype it shows, never the class:
 *
 * <ul>
 *   <li>background (class 0) shows an independent, uniformly random prototype at each step;
 *   <li>action class c (1 … A) walks the prototypes with its own rhythm: it stays {@code dwell}
 *       steps on a prototype, then moves {@code stride} prototypes on (mod P), starting from a
 *       random prototype at a random point of the dwell. Class c uses the c-th (dwell, stride) pair
 *       in the order dwell 1..3, stride 1..P-1, e.g. with P = 4: ABCD…, ADCB…, ACAC…, AABBCC…
 * </ul>
 *
 * <p>Every prototype appears equally often in every class, so only the temporal pattern over
 * several steps identifies an action, and its start can only be recognised after a few steps. A
 * sequence starts with background and alternates background gaps and actions of random lengths.
 */
public final class SyntheticSequences {
  private static final int MAX_DWELL = 3;

  /**
   * What to generate.
   *
   * @param featureDim width of a feature vector
   * @param actions number of action classes A (classes are A + 1 with background 0)
   * @param prototypes number of shared prototypes P (at least 3)
   * @param minLength shortest sequence, in steps
   * @param maxLength longest sequence, in steps
   * @param minAction shortest action
   * @param maxAction longest action
   * @param minGap shortest background gap
   * @param maxGap longest background gap
   * @param noise standard deviation of the per-element Gaussian noise
   * @param patternSeed seed of the prototypes; keep it equal for train and test sets
   */
  public record Spec(
      int featureDim,
      int actions,
      int prototypes,
      int minLength,
      int maxLength,
      int minAction,
      int maxAction,
      int minGap,
      int maxGap,
      double noise,
      long patternSeed) {

    /** Validates the spec. */
    public Spec {
      if (featureDim <= 0 || actions <= 0) {
        throw new IllegalArgumentException("featureDim and actions must be positive");
      }
      if (prototypes < 3) {
        throw new IllegalArgumentException("need at least 3 prototypes, got " + prototypes);
      }
      if (actions > MAX_DWELL * (prototypes - 1)) {
        throw new IllegalArgumentException(
            prototypes
                + " prototypes give at most "
                + MAX_DWELL * (prototypes - 1)
                + " distinct rhythms, asked for "
                + actions
                + " actions");
      }
      range("length", minLength, maxLength);
      range("action", minAction, maxAction);
      range("gap", minGap, maxGap);
      if (!(noise >= 0)) {
        throw new IllegalArgumentException("noise must be >= 0, got " + noise);
      }
    }

    /** A CI-sized set: 16-d features, 4 actions over 4 prototypes, 120–200 steps per video. */
    public static Spec ci() {
      return new Spec(16, 4, 4, 120, 200, 12, 30, 6, 20, 0.6, 7L);
    }

    /** Number of classes including background. */
    public int numClasses() {
      return actions + 1;
    }

    /** Class names: {@code background}, then one name per rhythm. */
    public List<String> classNames() {
      List<String> names = new ArrayList<>();
      names.add("background");
      for (int c = 1; c <= actions; c++) {
        names.add("dwell" + dwell(c) + "-stride" + stride(c));
      }
      return names;
    }

    int dwell(int c) {
      return 1 + (c - 1) / (prototypes - 1);
    }

    int stride(int c) {
      return 1 + (c - 1) % (prototypes - 1);
    }

    private static void range(String what, int min, int max) {
      if (min <= 0 || max < min) {
        throw new IllegalArgumentException(
            what + " range must satisfy 0 < min <= max, got " + min + ".." + max);
      }
    }
  }

  private SyntheticSequences() {}

  /**
   * Generates {@code count} sequences named {@code <prefix>-<i>}.
   *
   * @param seed seed of the sequences (the prototypes come from the spec's pattern seed)
   */
  public static List<LabeledSequence> generate(Spec spec, int count, long seed, String prefix) {
    float[][] protos = prototypes(spec);
    Random random = new Random(seed);
    List<LabeledSequence> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(sequence(spec, protos, random, prefix + "-" + i));
    }
    return out;
  }

  /** Generates {@code count} sequences named {@code synthetic-<i>}. */
  public static List<LabeledSequence> generate(Spec spec, int count, long seed) {
    return generate(spec, count, seed, "synthetic");
  }

  private static float[][] prototypes(Spec spec) {
    Random random = new Random(spec.patternSeed());
    float[][] protos = new float[spec.prototypes()][spec.featureDim()];
    for (float[] p : protos) {
      for (int j = 0; j < p.length; j++) {
        p[j] = (float) random.nextGaussian();
      }
    }
    return protos;
  }

  private static LabeledSequence sequence(
      Spec spec, float[][] protos, Random random, String videoId) {
    int length = between(random, spec.minLength(), spec.maxLength());
    int[] labels = new int[length];
    int[] shown = new int[length];
    int t = 0;
    boolean action = false;
    while (t < length) {
      int end;
      if (action) {
        int c = 1 + random.nextInt(spec.actions());
        int dwell = spec.dwell(c);
        int stride = spec.stride(c);
        int proto = random.nextInt(spec.prototypes());
        int phase = random.nextInt(dwell);
        end = Math.min(length, t + between(random, spec.minAction(), spec.maxAction()));
        for (int s = 0; t < end; t++, s++) {
          labels[t] = c;
          shown[t] = Math.floorMod(proto + ((s + phase) / dwell) * stride, spec.prototypes());
        }
      } else {
        end = Math.min(length, t + between(random, spec.minGap(), spec.maxGap()));
        for (; t < end; t++) {
          shown[t] = random.nextInt(spec.prototypes());
        }
      }
      action = !action;
    }
    float[][] features = new float[length][spec.featureDim()];
    for (int s = 0; s < length; s++) {
      float[] p = protos[shown[s]];
      for (int j = 0; j < p.length; j++) {
        features[s][j] = p[j] + (float) (spec.noise() * random.nextGaussian());
      }
    }
    return new LabeledSequence(videoId, features, labels);
  }

  private static int between(Random random, int min, int max) {
    return min + random.nextInt(max - min + 1);
  }
}
