package io.oad.topology;

import io.oad.detector.Detector;
import java.util.List;
import java.util.Objects;

/**
 * Adapts a {@link Detector} to {@link StepModel}. The detector is owned by the caller: {@link
 * #close()} does not close it, so one detector can back the models of several processors.
 */
public final class DetectorStepModel implements StepModel {
  private final Detector detector;

  /** Wraps {@code detector}; its configuration and class names are read on every call. */
  public DetectorStepModel(Detector detector) {
    this.detector = Objects.requireNonNull(detector, "detector");
  }

  @Override
  public int window() {
    return detector.config().window();
  }

  @Override
  public int featureDim() {
    return detector.config().featureDim();
  }

  @Override
  public List<String> classNames() {
    return detector.classNames();
  }

  @Override
  public String modelId() {
    return detector.modelId();
  }

  @Override
  public Detector.Output predict(float[][][] windows) {
    return detector.predict(windows);
  }
}
