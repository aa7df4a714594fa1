package io.oad.detector;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Streaming inference with the cached input projection: each arriving step is projected once
 * ({@link Detector#project}) and kept, projected, in its stream's window of the last T steps; a
 * prediction then runs the model from the projected window ({@link Detector#predictProjected}). The
 * result equals {@link Detector#predict} on the {@link Windows#leftPad} window of the raw steps
 * (same cold-start padding), without re-projecting T steps per prediction.
 *
 * <p>Does not own the detector. A {@link Stream} is not thread-safe; the detector is.
 */
public final class StreamingDetector {
  private final Detector detector;

  /** Streams predictions of {@code detector}. */
  public StreamingDetector(Detector detector) {
    this.detector = Objects.requireNonNull(detector, "detector");
  }

  /** The detector the predictions come from. */
  public Detector detector() {
    return detector;
  }

  /** A new, empty stream (e.g. one per camera). */
  public Stream newStream() {
    return new Stream(detector.config().window());
  }

  /** Appends {@code step} to {@code stream} and predicts its newest window. */
  public Detector.Output step(Stream stream, float[] step) {
    return step(List.of(stream), new float[][] {step});
  }

  /**
   * One new step for each of several streams, batched: the B steps are projected in one call,
   * appended to their streams, and the B windows predicted in one call. Row i of the output belongs
   * to {@code streams.get(i)}. A stream may appear once per call.
   */
  public Detector.Output step(List<Stream> streams, float[][] steps) {
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(steps, "steps");
    if (streams.size() != steps.length) {
      throw new IllegalArgumentException(
          streams.size() + " streams but " + steps.length + " steps; give one step per stream");
    }
    if (streams.stream().distinct().count() != streams.size()) {
      throw new IllegalArgumentException("a stream appears more than once in one batch");
    }
    for (Stream s : streams) {
      if (s.window != detector.config().window()) {
        throw new IllegalArgumentException(
            "stream of window "
                + s.window
                + " used with a model of window "
                + detector.config().window());
      }
    }
    float[][] projected = detector.project(steps);
    float[][][] windows = new float[streams.size()][][];
    for (int i = 0; i < streams.size(); i++) {
      Stream s = streams.get(i);
      s.append(projected[i]);
      windows[i] = Windows.leftPad(s.tokens(), s.window);
    }
    return detector.predictProjected(windows);
  }

  /** The projected steps of one stream: at most the last T, oldest first. */
  public static final class Stream {
    private final int window;
    private final ArrayDeque<float[]> tokens = new ArrayDeque<>();
    private long seen;

    private Stream(int window) {
      this.window = window;
    }

    private void append(float[] token) {
      if (tokens.size() == window) {
        tokens.removeFirst();
      }
      tokens.addLast(token);
      seen++;
    }

    private List<float[]> tokens() {
      return new ArrayList<>(tokens);
    }

    /** Steps appended so far. */
    public long steps() {
      return seen;
    }

    /** Forgets every step (e.g. after a gap in the stream). */
    public void reset() {
      tokens.clear();
      seen = 0;
    }
  }
}
