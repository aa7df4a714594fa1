package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composes one untrimmed stream per call from a subject's trimmed clips: the clips in a seeded
 * random order, with a background gap (label 0) of random length between some of them and the
 * others back to back. Writes the video, {@code <stream>.labels.csv} and {@code
 * <stream>.segments.csv}. The same catalog, subject, seed and options give the same labels and, the
 * encoders being bit-exact, the same bytes.
 */
public final class StreamComposer {
  /** Name of the index that {@link #composeAll} writes into its output folder. */
  public static final String INDEX_FILE = "index.csv";

  private static final List<String> INDEX_COLUMNS =
      List.of("stream", "labels", "subject", "seed", "frames", "fps", "width", "height");

  private static final Logger LOG = LoggerFactory.getLogger(StreamComposer.class);
  private static final long NOISE_SALT = 0x6A09E667F3BCC909L;

  private StreamComposer() {}

  /** One entry of the stream's layout: a clip, or a gap of {@code gapFrames} frames. */
  private record Part(Clip clip, int gapFrames) {}

  /**
   * Composes one stream of {@code subject}'s clips into {@code video} (parent folders are created;
   * the labels and segments files go beside it).
   *
   * @throws IllegalArgumentException if the subject is unknown
   * @throws IngestException if a clip or the plate cannot be read or the video cannot be written
   */
  public static ComposedStream compose(
      ClipCatalog catalog, String subject, long seed, ComposeOptions options, Path video) {
    List<Clip> clips = catalog.clipsOf(subject);
    BackgroundPlate plate = BackgroundPlate.load(catalog.background(subject));
    double fps = commonFps(subject, clips);
    long mixed = seed ^ (subject.hashCode() * 0x9E3779B97F4A7C15L);
    List<Part> layout = layout(clips, fps, options, new Random(mixed));
    createParent(video);

    int width = plate.width();
    int height = plate.height();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Random noise = new Random(mixed ^ NOISE_SALT);
    double driftPhase = noise.nextDouble() * 2 * Math.PI;
    List<String> classNames = catalog.classNames();
    List<Segment> segments = new ArrayList<>();
    IntList labels = new IntList();
    try (StreamWriter writer = new StreamWriter(video, width, height, fps, options.codec())) {
      for (Part part : layout) {
        int start = writer.written();
        int label;
        Optional<String> source;
        if (part.clip() == null) {
          for (int i = 0; i < part.gapFrames(); i++) {
            double t = writer.written() / fps;
            double gain =
                1
                    + options.driftAmplitude()
                        * Math.sin(2 * Math.PI * t / options.driftPeriodSeconds() + driftPhase);
            plate.render(image, gain, options.noiseSigma(), noise);
            writer.write(image);
          }
          label = 0;
          source = Optional.empty();
        } else {
          Clip clip = part.clip();
          int n = ClipFrames.forEach(clip.path(), image, writer::write);
          if (n != clip.frames()) {
            LOG.warn("{} decodes to {} frames, manifest says {}", clip.path(), n, clip.frames());
          }
          if (n == 0) {
            throw new IngestException("clip " + clip.path() + " has no decodable frames");
          }
          label = catalog.labelOf(clip.action());
          source = Optional.of(clip.relativePath());
        }
        int end = writer.written();
        segments.add(new Segment(start, end, label, classNames.get(label), source));
        labels.fill(label, end - start);
      }
    }
    int[] frameLabels = labels.toArray();
    if (options.verifyReadBack()) {
      StreamWriter.verify(video, frameLabels.length, width, height);
    }
    Path labelsFile = LabelFiles.labelsFileFor(video);
    LabelFiles.writeLabels(labelsFile, frameLabels, fps, classNames);
    LabelFiles.writeSegments(LabelFiles.segmentsFileFor(video), segments);
    return new ComposedStream(
        video, labelsFile, subject, seed, fps, width, height, frameLabels, segments, classNames);
  }

  /**
   * Composes {@code options.streamsPerSubject()} streams per subject into {@code outDir}, named
   * {@code <subject>_seed<s>.<ext>} with {@code s = seed + k} for the k-th stream of a subject, and
   * writes {@code outDir/index.csv} ({@code stream,labels,subject,seed,frames,fps,width,height},
   * paths relative to {@code outDir}).
   *
   * @return the streams in index order
   */
  public static List<ComposedStream> composeAll(
      ClipCatalog catalog, List<String> subjects, long seed, ComposeOptions options, Path outDir) {
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("no subjects given");
    }
    for (String subject : subjects) {
      catalog.clipsOf(subject); // fail on an unknown subject before writing anything
    }
    List<ComposedStream> streams = new ArrayList<>();
    for (String subject : subjects) {
      for (int k = 0; k < options.streamsPerSubject(); k++) {
        long streamSeed = seed + k;
        Path video =
            outDir.resolve(subject + "_seed" + streamSeed + "." + options.codec().extension());
        streams.add(compose(catalog, subject, streamSeed, options, video));
      }
    }
    writeIndex(outDir.resolve(INDEX_FILE), outDir, streams);
    return List.copyOf(streams);
  }

  private static List<Part> layout(
      List<Clip> clips, double fps, ComposeOptions options, Random random) {
    List<Clip> order = new ArrayList<>(clips);
    Collections.shuffle(order, random);
    int minGap = Math.max(1, (int) Math.round(options.minGapSeconds() * fps));
    int maxGap = Math.max(minGap, (int) Math.round(options.maxGapSeconds() * fps));
    List<Part> parts = new ArrayList<>();
    if (options.leadingBackground()) {
      parts.add(new Part(null, minGap + random.nextInt(maxGap - minGap + 1)));
    }
    for (int i = 0; i < order.size(); i++) {
      parts.add(new Part(order.get(i), 0));
      boolean last = i == order.size() - 1;
      // draw for every boundary, so the trailing option does not shift the other draws
      boolean gap = random.nextDouble() < options.gapProbability();
      int length = minGap + random.nextInt(maxGap - minGap + 1);
      if (last ? options.trailingBackground() : gap) {
        parts.add(new Part(null, length));
      }
    }
    return parts;
  }

  private static double commonFps(String subject, List<Clip> clips) {
    double fps = clips.get(0).fps();
    for (Clip c : clips) {
      if (c.fps() != fps) {
        throw new IngestException(
            "clips of subject '" + subject + "' differ in frame rate: " + fps + " vs " + c);
      }
    }
    return fps;
  }

  private static void createParent(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new IngestException("cannot create folder for '" + file + "': " + e.getMessage(), e);
    }
  }

  private static void writeIndex(Path index, Path outDir, List<ComposedStream> streams) {
    List<List<?>> rows = new ArrayList<>(streams.size());
    for (ComposedStream s : streams) {
      rows.add(
          List.of(
              outDir.relativize(s.video()),
              outDir.relativize(s.labelsFile()),
              s.subject(),
              s.seed(),
              s.frames(),
              s.fps(),
              s.width(),
              s.height()));
    }
    try {
      CsvFiles.write(index, INDEX_COLUMNS, rows);
    } catch (IOException e) {
      throw new IngestException("cannot write " + index + ": " + e.getMessage(), e);
    }
  }

  /** A growable int array for the per-frame labels. */
  private static final class IntList {
    private int[] values = new int[1024];
    private int size;

    void fill(int value, int count) {
      if (size + count > values.length) {
        values = java.util.Arrays.copyOf(values, Math.max(values.length * 2, size + count));
      }
      java.util.Arrays.fill(values, size, size + count, value);
      size += count;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }
}
