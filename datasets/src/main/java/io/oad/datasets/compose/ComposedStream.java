package io.oad.datasets.compose;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A composed stream on disk: the video file, its labels file, and the exact per-frame labels and
 * segments it was built from. Frame {@code i} is shown at {@code i / fps} seconds.
 */
public final class ComposedStream {
  private final Path video;
  private final Path labelsFile;
  private final String subject;
  private final long seed;
  private final double fps;
  private final int width;
  private final int height;
  private final int[] labels;
  private final List<Segment> segments;
  private final List<String> classNames;

  ComposedStream(
      Path video,
      Path labelsFile,
      String subject,
      long seed,
      double fps,
      int width,
      int height,
      int[] labels,
      List<Segment> segments,
      List<String> classNames) {
    this.video = Objects.requireNonNull(video, "video");
    this.labelsFile = Objects.requireNonNull(labelsFile, "labelsFile");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.seed = seed;
    this.fps = fps;
    this.width = width;
    this.height = height;
    this.labels = labels.clone();
    this.segments = List.copyOf(segments);
    this.classNames = List.copyOf(classNames);
    int covered = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).end();
    if (covered != labels.length) {
      throw new IllegalArgumentException(
          "segments cover " + covered + " frames but there are " + labels.length + " labels");
    }
  }

  /** The video file. */
  public Path video() {
    return video;
  }

  /** The per-frame labels CSV ({@code frame,time_s,label,label_name}). */
  public Path labelsFile() {
    return labelsFile;
  }

  /** The subject whose clips the stream shows. */
  public String subject() {
    return subject;
  }

  /** The seed it was composed from. */
  public long seed() {
    return seed;
  }

  /** Frame rate of the video. */
  public double fps() {
    return fps;
  }

  /** Frame width in pixels. */
  public int width() {
    return width;
  }

  /** Frame height in pixels. */
  public int height() {
    return height;
  }

  /** Number of frames. */
  public int frames() {
    return labels.length;
  }

  /** Class names by label id (0 = background). */
  public List<String> classNames() {
    return classNames;
  }

  /** Clips and gaps in order; they tile {@code [0, frames())}. */
  public List<Segment> segments() {
    return segments;
  }

  /** The label of every frame (a copy). */
  public int[] labels() {
    return labels.clone();
  }

  /** The label of one frame. */
  public int labelAt(int frame) {
    return labels[frame];
  }

  /**
   * The frames the ingestor publishes when it samples this video at {@code stepsPerSecond}: step
   * {@code k} of the model sees frame {@code stepFrames(r)[k]}.
   */
  public int[] stepFrames(double stepsPerSecond) {
    return IngestSampling.keptFrames(labels.length, fps, stepsPerSecond);
  }

  /**
   * Ground truth per model step at {@code stepsPerSecond} (e.g. 4): the label of the frame the
   * ingestor publishes for that step, chosen by the ingestor's own sampling rule.
   */
  public int[] labelsAt(double stepsPerSecond) {
    int[] frames = stepFrames(stepsPerSecond);
    int[] out = new int[frames.length];
    for (int k = 0; k < frames.length; k++) {
      out[k] = labels[frames[k]];
    }
    return out;
  }

  @Override
  public String toString() {
    return "ComposedStream["
        + video.getFileName()
        + ", subject "
        + subject
        + ", seed "
        + seed
        + ", "
        + labels.length
        + " frames, "
        + segments.size()
        + " segments, labels "
        + Arrays.stream(labels).distinct().count()
        + " distinct]";
  }
}
