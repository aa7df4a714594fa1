package io.oad.datasets;

import io.oad.detector.OadtrConfig;
import io.oad.detector.Windows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * OadTR training windows over labelled sequences, built on demand (a THUMOS window is 64 × 3072
 * floats, so windows are never all held at once).
 *
 * <p>One window per step (stride 1), the current step LAST; at the start of a video the window is
 * left-padded with {@link Windows#leftPad}, the cold-start rule of the streaming service. The
 * future targets are the labels of the next F steps; steps past the end of the video and steps
 * whose label is ambiguous are masked out. Windows whose current step is ambiguous are dropped.
 */
public final class WindowDataset {

  /**
   * One window for inspection.
   *
   * @param videoId the video
   * @param step index of the current (last) step in the video
   * @param steps [T][dim] features, oldest first
   * @param label class of the current step
   * @param future labels of steps t+1 … t+F (-1 where masked)
   * @param futureValid whether each future step counts in the loss
   */
  public record Window(
      String videoId, int step, float[][] steps, int label, int[] future, boolean[] futureValid) {

    @Override
    public boolean equals(Object o) {
      return o instanceof Window w
          && videoId.equals(w.videoId)
          && step == w.step
          && label == w.label
          && Arrays.deepEquals(steps, w.steps)
          && Arrays.equals(future, w.future)
          && Arrays.equals(futureValid, w.futureValid);
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          videoId,
          step,
          label,
          Arrays.deepHashCode(steps),
          Arrays.hashCode(future),
          Arrays.hashCode(futureValid));
    }

    @Override
    public String toString() {
      return "Window["
          + videoId
          + " step "
          + step
          + ", label "
          + label
          + ", future "
          + Arrays.toString(future)
          + "]";
    }
  }

  /**
   * A batch as flat C-order arrays ready for tensors.
   *
   * @param size number of windows B
   * @param inputs [B, T, dim]
   * @param current one-hot current targets [B, C]
   * @param future one-hot future targets [B, F, C] (all zero where masked)
   * @param futureMask 1 where a future step counts, else 0 [B, F]
   */
  public record Batch(
      int size, float[] inputs, float[] current, float[] future, float[] futureMask) {

    @Override
    public boolean equals(Object o) {
      return o instanceof Batch b
          && size == b.size
          && Arrays.equals(inputs, b.inputs)
          && Arrays.equals(current, b.current)
          && Arrays.equals(future, b.future)
          && Arrays.equals(futureMask, b.futureMask);
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          size,
          Arrays.hashCode(inputs),
          Arrays.hashCode(current),
          Arrays.hashCode(future),
          Arrays.hashCode(futureMask));
    }

    @Override
    public String toString() {
      return "Batch[" + size + " windows]";
    }
  }

  private final List<LabeledSequence> sequences;
  private final int window;
  private final int futureSteps;
  private final int numClasses;
  private final OptionalInt ambiguous;
  private final int dim;
  // window i = (sequence seqOf[i], step stepOf[i])
  private final int[] seqOf;
  private final int[] stepOf;

  /**
   * @param sequences the videos (all of the same feature width)
   * @param window steps per window T
   * @param futureSteps anticipated steps F
   * @param numClasses classes C; every label must be below it
   * @param ambiguous the class whose steps are dropped (current) or masked (future), if any
   */
  public WindowDataset(
      List<LabeledSequence> sequences,
      int window,
      int futureSteps,
      int numClasses,
      OptionalInt ambiguous) {
    if (sequences.isEmpty()) {
      throw new IllegalArgumentException("a dataset needs at least one sequence");
    }
    if (window <= 0 || futureSteps <= 0 || numClasses < 2) {
      throw new IllegalArgumentException(
          "need window > 0, futureSteps > 0, numClasses >= 2; got "
              + window
              + ", "
              + futureSteps
              + ", "
              + numClasses);
    }
    this.sequences = List.copyOf(sequences);
    this.window = window;
    this.futureSteps = futureSteps;
    this.numClasses = numClasses;
    this.ambiguous = ambiguous;
    this.dim = sequences.get(0).dim();
    List<int[]> index = new ArrayList<>();
    for (int s = 0; s < this.sequences.size(); s++) {
      LabeledSequence seq = this.sequences.get(s);
      if (seq.dim() != dim) {
        throw new IllegalArgumentException(
            seq.videoId()
                + " has "
                + seq.dim()
                + "-d features, "
                + sequences.get(0).videoId()
                + " has "
                + dim);
      }
      for (int t = 0; t < seq.length(); t++) {
        int label = seq.label(t);
        if (label >= numClasses) {
          throw new IllegalArgumentException(
              seq.videoId() + " step " + t + ": label " + label + " >= " + numClasses + " classes");
        }
        if (!isAmbiguous(label)) {
          index.add(new int[] {s, t});
        }
      }
    }
    seqOf = index.stream().mapToInt(a -> a[0]).toArray();
    stepOf = index.stream().mapToInt(a -> a[1]).toArray();
  }

  /** A dataset shaped for {@code config}, dropping the ambiguous class of {@code layout}. */
  public static WindowDataset of(
      List<LabeledSequence> sequences, OadtrConfig config, ClassLayout layout) {
    if (layout.numClasses() != config.numClasses()) {
      throw new IllegalArgumentException(
          "layout has " + layout.numClasses() + " classes, model " + config.numClasses());
    }
    WindowDataset d =
        new WindowDataset(
            sequences,
            config.window(),
            config.futureSteps(),
            config.numClasses(),
            layout.ambiguous());
    if (d.dim != config.featureDim()) {
      throw new IllegalArgumentException(
          "sequences have " + d.dim + "-d features, the model takes " + config.featureDim());
    }
    return d;
  }

  private boolean isAmbiguous(int label) {
    return ambiguous.isPresent() && ambiguous.getAsInt() == label;
  }

  /** Number of windows (non-ambiguous steps). */
  public int size() {
    return seqOf.length;
  }

  /** Window {@code i}. */
  public Window window(int i) {
    LabeledSequence seq = sequences.get(seqOf[i]);
    int t = stepOf[i];
    float[][] steps = stepsOf(seq, t);
    float[][] copy = new float[steps.length][];
    for (int s = 0; s < steps.length; s++) {
      copy[s] = steps[s].clone();
    }
    int[] future = new int[futureSteps];
    boolean[] valid = new boolean[futureSteps];
    for (int k = 0; k < futureSteps; k++) {
      int label = futureLabel(seq, t + k + 1);
      future[k] = label;
      valid[k] = label >= 0;
    }
    return new Window(seq.videoId(), t, copy, seq.label(t), future, valid);
  }

  /** The windows at {@code indices}, flattened. */
  public Batch batch(int[] indices) {
    int b = indices.length;
    float[] inputs = new float[b * window * dim];
    float[] current = new float[b * numClasses];
    float[] future = new float[b * futureSteps * numClasses];
    float[] mask = new float[b * futureSteps];
    for (int i = 0; i < b; i++) {
      int w = indices[i];
      LabeledSequence seq = sequences.get(seqOf[w]);
      int t = stepOf[w];
      float[][] steps = stepsOf(seq, t);
      for (int s = 0; s < window; s++) {
        System.arraycopy(steps[s], 0, inputs, (i * window + s) * dim, dim);
      }
      current[i * numClasses + seq.label(t)] = 1f;
      for (int k = 0; k < futureSteps; k++) {
        int label = futureLabel(seq, t + k + 1);
        if (label >= 0) {
          future[(i * futureSteps + k) * numClasses + label] = 1f;
          mask[i * futureSteps + k] = 1f;
        }
      }
    }
    return new Batch(b, inputs, current, future, mask);
  }

  /** The label of step {@code t}, or -1 if it is past the end or ambiguous. */
  private int futureLabel(LabeledSequence seq, int t) {
    if (t >= seq.length() || isAmbiguous(seq.label(t))) {
      return -1;
    }
    return seq.label(t);
  }

  private float[][] stepsOf(LabeledSequence seq, int t) {
    int first = Math.max(0, t - window + 1);
    float[][] rows = new float[t - first + 1][];
    for (int s = first; s <= t; s++) {
      rows[s - first] = seq.row(s);
    }
    return Windows.leftPad(Arrays.asList(rows), window);
  }

  /** Steps per window T. */
  public int window() {
    return window;
  }

  /** Anticipated steps F. */
  public int futureSteps() {
    return futureSteps;
  }

  /** Classes C. */
  public int numClasses() {
    return numClasses;
  }

  /** Feature width. */
  public int dim() {
    return dim;
  }
}
