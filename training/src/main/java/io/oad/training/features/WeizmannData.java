package io.oad.training.features;

import io.oad.datasets.LabeledSequence;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.datasets.compose.ComposeOptions;
import io.oad.datasets.compose.ComposedStream;
import io.oad.datasets.compose.StreamComposer;
import io.oad.extractor.Backbone;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Composed streams of chosen subjects, turned into the step embeddings the service computes: the
 * data of {@code oad train --clips} and {@code oad eval --clips}, and the streams the backbone's
 * training frames come from ({@code oad train-backbone}).
 */
public final class WeizmannData {
  /** Model steps per second (the paper's 4). */
  public static final double STEPS_PER_SECOND = 4.0;

  private WeizmannData() {}

  /** Splits a comma-separated subject list; refuses an empty one. */
  public static List<String> subjects(String csv) {
    List<String> s =
        Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("no subjects given");
    }
    return s;
  }

  /**
   * Composes {@code streamsPerSubject} streams per subject into {@code dir} (seeds {@code seed},
   * {@code seed + 1}, ... per subject).
   */
  public static List<ComposedStream> compose(
      ClipCatalog catalog, List<String> subjects, long seed, int streamsPerSubject, Path dir) {
    ComposeOptions options =
        ComposeOptions.builder().optStreamsPerSubject(streamsPerSubject).build();
    return StreamComposer.composeAll(catalog, subjects, seed, options, dir);
  }

  public static List<LabeledSequence> embed(
      List<ComposedStream> streams, Backbone backbone, PrintStream log) {
    List<LabeledSequence> out = new ArrayList<>();
    long t0 = System.nanoTime();
    int steps = 0;
    for (ComposedStream s : streams) {
      LabeledSequence seq = StreamFeatures.embed(s, backbone, STEPS_PER_SECOND);
      steps += seq.length();
      out.add(seq);
    }
    log.printf(
        Locale.ROOT,
        "embedded %d streams, %d steps in %.1f s%n",
        streams.size(),
        steps,
        (System.nanoTime() - t0) / 1e9);
    return out;
  }
}
