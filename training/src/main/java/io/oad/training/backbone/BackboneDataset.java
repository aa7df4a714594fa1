package io.oad.training.backbone;

import io.oad.datasets.compose.ComposedStream;
import io.oad.extractor.FrameTensors;
import io.oad.training.backbone.BackboneTrainer.Sample;
import io.oad.training.features.IngestedFrames;
import io.oad.training.features.WeizmannData;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The labelled frames a backbone is trained on: untrimmed streams composed from the clips of chosen
 * subjects, run through the service's ingest and decode path ({@link IngestedFrames}) and converted
 * to the backbone's input tensors. Every model step becomes one sample (background gaps included,
 * label 0).
 */
public final class BackboneDataset {
  /**
   * Background samples per action sample in streams composed with the default options: a gap of 1–4
   * s (2.5 s on average) after 60% of the clips, i.e. 1.5 s of background per Weizmann clip of 2.7
   * s on average, about 0.6. Untrimmed videos, mostly background in the public data sets, are
   * brought down to this share by {@link #capBackground}.
   */
  public static final double COMPOSED_BACKGROUND_RATIO = 0.6;

  private BackboneDataset() {}

  /**
   * Keeps at most {@code ratio} background samples (label 0) per action sample, dropping a seeded
   * random choice of the others; the order of the kept samples is unchanged. A list with no action
   * sample is returned as it is.
   */
  public static List<Sample> capBackground(List<Sample> samples, double ratio, long seed) {
    List<Integer> background = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i).label() == 0) {
        background.add(i);
      }
    }
    int actions = samples.size() - background.size();
    int keep = (int) Math.ceil(ratio * actions);
    if (actions == 0 || background.size() <= keep) {
      return samples;
    }
    java.util.Collections.shuffle(background, new Random(seed * 31 + 17));
    boolean[] drop = new boolean[samples.size()];
    for (int k = keep; k < background.size(); k++) {
      drop[background.get(k)] = true;
    }
    List<Sample> out = new ArrayList<>(actions + keep);
    for (int i = 0; i < samples.size(); i++) {
      if (!drop[i]) {
        out.add(samples.get(i));
      }
    }
    return out;
  }

  /** Every step of every stream as a training sample for {@code tensors}' input size. */
  public static List<Sample> samples(
      List<ComposedStream> streams, FrameTensors tensors, PrintStream log) {
    List<Sample> out = new ArrayList<>();
    long t0 = System.nanoTime();
    for (ComposedStream stream : streams) {
      IngestedFrames.forEach(
          stream,
          WeizmannData.STEPS_PER_SECOND,
          step -> out.add(new Sample(tensors.of(step.frame()), step.label())));
    }
    int[] counts = new int[streams.isEmpty() ? 1 : streams.get(0).classNames().size()];
    for (Sample s : out) {
      if (s.label() < counts.length) {
        counts[s.label()]++;
      }
    }
    log.printf(
        Locale.ROOT,
        "prepared %d samples from %d streams in %.1f s; per class %s%n",
        out.size(),
        streams.size(),
        (System.nanoTime() - t0) / 1e9,
        Arrays.toString(counts));
    return out;
  }
}
