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

/**
 * The labelled frames a backbone is trained on: untrimmed streams composed from the clips of chosen
 * subjects, run through the service's ingest and decode path ({@link IngestedFrames}) and converted
 * to the backbone's input tensors. Every model step becomes one sample (background gaps included,
 * label 0).
 */
public final class BackboneDataset {
  private BackboneDataset() {}

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
