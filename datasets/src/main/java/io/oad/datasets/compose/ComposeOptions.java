package io.oad.datasets.compose;

/**
 * How {@link StreamComposer} lays out and writes a stream. Build with {@link #builder()}; every
 * field has a default.
 *
 * @param gapProbability chance of a background gap between two clips (else back to back), 0..1
 * @param minGapSeconds shortest gap
 * @param maxGapSeconds longest gap
 * @param leadingBackground whether the stream starts with a gap
 * @param trailingBackground whether the stream ends with a gap
 * @param noiseSigma standard deviation of the per-pixel Gaussian sensor noise in gaps, grey levels
 * @param driftAmplitude peak relative brightness change in gaps (0.04 = ±4 %)
 * @param driftPeriodSeconds period of the slow brightness drift
 * @param codec how frames are encoded
 * @param streamsPerSubject streams {@link StreamComposer#composeAll} writes per subject
 * @param verifyReadBack whether to decode the written file and check its frame count and size
 */
public record ComposeOptions(
    double gapProbability,
    double minGapSeconds,
    double maxGapSeconds,
    boolean leadingBackground,
    boolean trailingBackground,
    double noiseSigma,
    double driftAmplitude,
    double driftPeriodSeconds,
    StreamCodec codec,
    int streamsPerSubject,
    boolean verifyReadBack) {

  /** Validates the fields. */
  public ComposeOptions {
    if (!(gapProbability >= 0 && gapProbability <= 1)) {
      throw new IllegalArgumentException("gapProbability must be in [0, 1], got " + gapProbability);
    }
    if (!(minGapSeconds > 0) || !(maxGapSeconds >= minGapSeconds) || maxGapSeconds > 3600) {
      throw new IllegalArgumentException(
          "need 0 < minGapSeconds <= maxGapSeconds <= 3600, got "
              + minGapSeconds
              + ".."
              + maxGapSeconds);
    }
    if (!(noiseSigma >= 0 && noiseSigma <= 64)) {
      throw new IllegalArgumentException("noiseSigma must be in [0, 64], got " + noiseSigma);
    }
    if (!(driftAmplitude >= 0 && driftAmplitude < 1)) {
      throw new IllegalArgumentException("driftAmplitude must be in [0, 1), got " + driftAmplitude);
    }
    if (!(driftPeriodSeconds > 0)) {
      throw new IllegalArgumentException(
          "driftPeriodSeconds must be > 0, got " + driftPeriodSeconds);
    }
    if (codec == null) {
      throw new IllegalArgumentException("codec must be set");
    }
    if (streamsPerSubject < 1 || streamsPerSubject > 1000) {
      throw new IllegalArgumentException(
          "streamsPerSubject must be in 1..1000, got " + streamsPerSubject);
    }
  }

  /** The defaults: gaps with p = 0.6 of 1–4 s, no leading/trailing gap, MJPEG. */
  public static ComposeOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link ComposeOptions}; {@code optX} setters override the defaults. */
  public static final class Builder {
    private double gapProbability = 0.6;
    private double minGapSeconds = 1.0;
    private double maxGapSeconds = 4.0;
    private boolean leadingBackground;
    private boolean trailingBackground;
    private double noiseSigma = 2.5;
    private double driftAmplitude = 0.04;
    private double driftPeriodSeconds = 6.0;
    private StreamCodec codec = StreamCodec.MJPEG;
    private int streamsPerSubject = 1;
    private boolean verifyReadBack = true;

    private Builder() {}

    /** Chance of a gap between two clips, 0..1 (default 0.6). */
    public Builder optGapProbability(double p) {
      this.gapProbability = p;
      return this;
    }

    /** Gap length range in seconds (default 1..4). */
    public Builder optGapSeconds(double min, double max) {
      this.minGapSeconds = min;
      this.maxGapSeconds = max;
      return this;
    }

    /** Start the stream with a background gap (default false). */
    public Builder optLeadingBackground(boolean on) {
      this.leadingBackground = on;
      return this;
    }

    /** End the stream with a background gap (default false). */
    public Builder optTrailingBackground(boolean on) {
      this.trailingBackground = on;
      return this;
    }

    /** Sensor noise standard deviation in grey levels (default 2.5). */
    public Builder optNoiseSigma(double sigma) {
      this.noiseSigma = sigma;
      return this;
    }

    /** Brightness drift: peak relative change and period (default 0.04, 6 s). */
    public Builder optDrift(double amplitude, double periodSeconds) {
      this.driftAmplitude = amplitude;
      this.driftPeriodSeconds = periodSeconds;
      return this;
    }

    /** Output codec (default {@link StreamCodec#MJPEG}). */
    public Builder optCodec(StreamCodec codec) {
      this.codec = codec;
      return this;
    }

    /** Streams per subject in {@link StreamComposer#composeAll} (default 1). */
    public Builder optStreamsPerSubject(int n) {
      this.streamsPerSubject = n;
      return this;
    }

    /** Decode the written file to check frame count and size (default true). */
    public Builder optVerifyReadBack(boolean on) {
      this.verifyReadBack = on;
      return this;
    }

    /** Builds and validates the options. */
    public ComposeOptions build() {
      return new ComposeOptions(
          gapProbability,
          minGapSeconds,
          maxGapSeconds,
          leadingBackground,
          trailingBackground,
          noiseSigma,
          driftAmplitude,
          driftPeriodSeconds,
          codec,
          streamsPerSubject,
          verifyReadBack);
    }
  }
}
