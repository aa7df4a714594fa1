package io.oad.service;

import io.oad.detector.Detector;
import io.oad.detector.Windows;
import io.oad.topology.StepModel;
import io.oad.topology.SwappableStepModel;
import java.util.List;
import java.util.Objects;

/**
 * Binds a {@link Detector} (the OadTR model) to the topology's model port {@link StepModel}: a
 * short window of a camera that is starting is completed by the model's cold-start rule ({@link
 * Windows#leftPad}), the rule the offline evaluation uses too. The detector is owned by the caller:
 * {@link #close()} does not close it, so one detector can back the models of several processors.
 */
public final class DetectorStepModel implements StepModel {
  private final Detector detector;

  /** Wraps {@code detector}; its configuration and class names are read on every call. */
  public DetectorStepModel(Detector detector) {
    this.detector = Objects.requireNonNull(detector, "detector");
  }

  /** A swappable port serving {@code detector}, which it owns from now on. */
  public static SwappableStepModel serve(Detector detector) {
    return new SwappableStepModel(new DetectorStepModel(detector), detector);
  }

  /**
   * Makes {@code next} serve in {@code models} (see {@link SwappableStepModel#swap}); {@code
   * models} owns it from now on.
   *
   * @return the id of the replaced version
   */
  public static String swap(SwappableStepModel models, Detector next) {
    return models.swap(new DetectorStepModel(next), next);
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
  public Output predict(float[][][] windows) {
    int t = window();
    float[][][] full = new float[windows.length][][];
    for (int i = 0; i < windows.length; i++) {
      full[i] = windows[i].length == t ? windows[i] : Windows.leftPad(List.of(windows[i]), t);
    }
    Detector.Output out = detector.predict(full);
    return new Output(out.current(), out.future());
  }
}
