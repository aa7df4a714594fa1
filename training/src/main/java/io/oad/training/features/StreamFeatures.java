package io.oad.training.features;

import io.oad.datasets.LabeledSequence;
import io.oad.datasets.compose.ComposedStream;
import io.oad.extractor.Backbone;
import io.oad.extractor.FrameInput;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a composed stream into the step embeddings the running service would compute for it: the
 * same ingest (sampling by capture time, resize, JPEG) into an in-memory producer, the same frame
 * decoder ({@link IngestedFrames}, which also pairs each frame with the previous one as the service
 * does) and the same backbone, so that models trained and evaluated offline see exactly what the
 * pipeline feeds them. Each step is labelled with the label of the video frame it was sampled from.
 */
public final class StreamFeatures {
  private static final int BATCH = 32;

  private StreamFeatures() {}

  public static LabeledSequence embed(
      ComposedStream stream, Backbone backbone, double stepsPerSecond) {
    List<float[]> features = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<FrameInput> batch = new ArrayList<>();
    // each frame comes with its camera's previous frame, by the extractor service's own rule
    IngestedFrames.forEach(
        stream,
        stepsPerSecond,
        step -> {
          labels.add(step.label());
          batch.add(step.frame());
          if (batch.size() == BATCH) {
            features.addAll(List.of(backbone.embedFrames(batch)));
            batch.clear();
          }
        });
    if (!batch.isEmpty()) {
      features.addAll(List.of(backbone.embedFrames(batch)));
    }
    return new LabeledSequence(
        stream.video().getFileName().toString(),
        features.toArray(float[][]::new),
        labels.stream().mapToInt(Integer::intValue).toArray());
  }
}
