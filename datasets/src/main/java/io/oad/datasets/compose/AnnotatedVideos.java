package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Untrimmed videos with temporal annotations ({@link Annotations}) as labelled streams: each video
 * named by the annotations becomes a {@link ComposedStream} of its own (nothing is composed: the
 * video is the stream), every frame labelled with the action whose interval holds its time {@code i
 * / fps}, or background (class 0) outside every interval. Class names are {@code background} then
 * the distinct actions sorted, as for clips ({@link ClipCatalog#classNames()}). A video's group is
 * the first capture group of a pattern found in its file name, or its name without extension (every
 * video its own group), as in {@link ClassFolders}; the stream's subject is the group.
 */
public final class AnnotatedVideos {
  /** How far past the video's end an interval may reach (or one frame, if longer), in seconds. */
  public static final double END_TOLERANCE_SECONDS = 0.5;

  private final Path dir;
  private final Path annotationFile;
  private final List<String> actions;
  private final List<ComposedStream> streams;
  private final Map<String, List<ComposedStream>> byGroup;

  private AnnotatedVideos(
      Path dir, Path annotationFile, List<String> actions, List<ComposedStream> streams) {
    this.dir = dir;
    this.annotationFile = annotationFile;
    this.actions = actions;
    this.streams = streams;
    Map<String, List<ComposedStream>> groups = new TreeMap<>();
    for (ComposedStream s : streams) {
      groups.computeIfAbsent(s.subject(), g -> new ArrayList<>()).add(s);
    }
    groups.replaceAll((g, list) -> List.copyOf(list));
    this.byGroup = groups;
  }

  /**
   * Matches the annotations to the videos in {@code dir}, probes every video, labels its frames and
   * writes the labels and segments files (the record of what was read) into {@code labelsDir}.
   *
   * @param groupPattern regular expression with a capture group, searched in each file name; null
   *     for "every video its own group"
   * @param log one line per group
   * @throws IngestException naming the file: a missing folder, an annotation naming a video that
   *     does not exist (or matches two files), an unreadable video, an interval past the video's
   *     end (beyond {@link #END_TOLERANCE_SECONDS} or one frame), overlapping intervals of two
   *     actions (naming both), an action called {@code background}, a file name the pattern does
   *     not match
   */
  public static AnnotatedVideos load(
      Path dir, Annotations annotations, String groupPattern, Path labelsDir, PrintStream log) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new IngestException("video folder " + root + " does not exist");
    }
    Path file = annotations.file();
    List<String> actions = annotations.actions();
    if (actions.contains(ClipCatalog.BACKGROUND)) {
      throw new IngestException(
          file
              + " names an action '"
              + ClipCatalog.BACKGROUND
              + "': the name is reserved for the frames outside every interval");
    }
    Pattern pattern = ClassFolders.compile(groupPattern);
    boolean activityNet = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    // one entry per video file, even where the file is named two ways ("a" and "a.mp4")
    Map<String, Path> files = new LinkedHashMap<>();
    Map<Path, List<Annotations.Interval>> byFile = new LinkedHashMap<>();
    for (String name : annotations.videos()) {
      Path video = find(root, file, name, activityNet);
      files.put(name, video);
      byFile.computeIfAbsent(video, v -> new ArrayList<>());
    }
    for (Annotations.Interval interval : annotations.intervals()) {
      byFile.get(files.get(interval.video())).add(interval);
    }
    List<String> classNames = new ArrayList<>();
    classNames.add(ClipCatalog.BACKGROUND);
    classNames.addAll(actions);
    List<ComposedStream> streams = new ArrayList<>();
    for (Map.Entry<Path, List<Annotations.Interval>> e : byFile.entrySet()) {
      Path video = e.getKey();
      String group = ClassFolders.groupOf(video.getFileName().toString(), pattern, video);
      streams.add(stream(root, video, group, e.getValue(), classNames, labelsDir));
    }
    streams.sort(Comparator.comparing(ComposedStream::subject).thenComparing(s -> s.video()));
    AnnotatedVideos loaded = new AnnotatedVideos(root, file, actions, List.copyOf(streams));
    for (String group : loaded.groups()) {
      List<ComposedStream> own = loaded.streamsOf(group);
      double seconds = own.stream().mapToDouble(s -> s.frames() / s.fps()).sum();
      long instances =
          own.stream().flatMap(s -> s.segments().stream()).filter(s -> !s.isBackground()).count();
      log.printf(
          Locale.ROOT,
          "group %s: %d video(s), %.1f s, %d action segment(s), actions %s%n",
          group,
          own.size(),
          seconds,
          instances,
          loaded.actionsOf(group));
    }
    return loaded;
  }

  /** The videos folder (absolute). */
  public Path dir() {
    return dir;
  }

  /** The annotation file (absolute). */
  public Path annotationFile() {
    return annotationFile;
  }

  /** Action names in label order: action {@code actions().get(i)} has label {@code i + 1}. */
  public List<String> actions() {
    return actions;
  }

  /** Class names by label: {@code background} first, then {@link #actions()}. */
  public List<String> classNames() {
    List<String> names = new ArrayList<>(actions.size() + 1);
    names.add(ClipCatalog.BACKGROUND);
    names.addAll(actions);
    return List.copyOf(names);
  }

  /** Every video as a labelled stream, sorted by group then file. */
  public List<ComposedStream> streams() {
    return streams;
  }

  /** Groups in sorted order. */
  public List<String> groups() {
    return List.copyOf(byGroup.keySet());
  }

  /**
   * The group's videos.
   *
   * @throws IllegalArgumentException if the group is unknown
   */
  public List<ComposedStream> streamsOf(String group) {
    List<ComposedStream> own = byGroup.get(group);
    if (own == null) {
      throw new IllegalArgumentException(
          "unknown group '" + group + "' in " + dir + "; known: " + groups());
    }
    return own;
  }

  /** The actions at least one frame of the group's videos shows, sorted. */
  public Set<String> actionsOf(String group) {
    Set<String> shown = new TreeSet<>();
    for (ComposedStream s : streamsOf(group)) {
      for (Segment seg : s.segments()) {
        if (!seg.isBackground()) {
          shown.add(seg.labelName());
        }
      }
    }
    return shown;
  }

  /** The streams of several groups, in group order. */
  public List<ComposedStream> streamsOf(List<String> groups) {
    return groups.stream().flatMap(g -> streamsOf(g).stream()).toList();
  }

  private static ComposedStream stream(
      Path root,
      Path video,
      String group,
      List<Annotations.Interval> intervals,
      List<String> classNames,
      Path labelsDir) {
    ClipFrames.Probe probe = ClipFrames.probe(video);
    double fps = probe.fps();
    int frames = probe.frames();
    double duration = frames / fps;
    double tolerance = Math.max(END_TOLERANCE_SECONDS, 1 / fps);
    for (Annotations.Interval i : intervals) {
      if (i.end() > duration + tolerance || i.start() >= duration) {
        throw new IngestException(
            String.format(
                Locale.ROOT,
                "%s: interval [%.3f, %.3f] s of '%s' is outside %s, which lasts %.3f s (%d frames"
                    + " at %.3f fps)",
                i.where(),
                i.start(),
                i.end(),
                i.action(),
                video,
                duration,
                frames,
                fps));
      }
    }
    checkOverlaps(video, intervals);
    int[] labels = new int[frames];
    for (Annotations.Interval i : intervals) {
      int label = classNames.indexOf(i.action());
      for (int f = 0; f < frames; f++) {
        double t = f / fps;
        if (t >= i.start() && t < i.end()) {
          labels[f] = label;
        }
      }
    }
    String relative = root.relativize(video).toString();
    List<Segment> segments = new ArrayList<>();
    for (int start = 0; start < frames; ) {
      int end = start;
      while (end < frames && labels[end] == labels[start]) {
        end++;
      }
      int label = labels[start];
      segments.add(
          new Segment(
              start,
              end,
              label,
              classNames.get(label),
              label == 0 ? Optional.empty() : Optional.of(relative)));
      start = end;
    }
    createDirectories(labelsDir);
    Path named = labelsDir.resolve(relative.replace('/', '_').replace('\\', '_'));
    Path labelsFile = LabelFiles.labelsFileFor(named);
    LabelFiles.writeLabels(labelsFile, labels, fps, classNames);
    LabelFiles.writeSegments(LabelFiles.segmentsFileFor(named), segments);
    return new ComposedStream(
        video,
        labelsFile,
        group,
        0,
        fps,
        probe.width(),
        probe.height(),
        labels,
        segments,
        classNames);
  }

  /** Refuses two intervals of different actions that share time; same-action ones merge. */
  private static void checkOverlaps(Path video, List<Annotations.Interval> intervals) {
    List<Annotations.Interval> sorted = new ArrayList<>(intervals);
    sorted.sort(Comparator.comparingDouble(Annotations.Interval::start));
    for (int a = 0; a < sorted.size(); a++) {
      Annotations.Interval first = sorted.get(a);
      for (int b = a + 1; b < sorted.size() && sorted.get(b).start() < first.end(); b++) {
        Annotations.Interval second = sorted.get(b);
        if (!second.action().equals(first.action())) {
          throw new IngestException(
              String.format(
                  Locale.ROOT,
                  "overlapping intervals of two actions in %s: %s [%.3f, %.3f] s at %s and %s"
                      + " [%.3f, %.3f] s at %s (a frame has one action: shorten one of them)",
                  video,
                  first.action(),
                  first.start(),
                  first.end(),
                  first.where(),
                  second.action(),
                  second.start(),
                  second.end(),
                  second.where()));
        }
      }
    }
  }

  /**
   * The video file a name refers to: {@code dir/name} if it is a file, else the one file in its
   * folder whose name without extension is the name's last part (for ActivityNet also with the
   * {@code v_} prefix its downloads carry).
   */
  private static Path find(Path root, Path annotationFile, String name, boolean activityNet) {
    Path direct = root.resolve(name).normalize();
    if (!direct.startsWith(root)) {
      throw new IngestException(
          annotationFile + " names video '" + name + "' outside the video folder " + root);
    }
    if (Files.isRegularFile(direct)) {
      return direct;
    }
    Path folder = direct.getParent();
    String stem = direct.getFileName().toString();
    List<String> stems = activityNet ? List.of(stem, "v_" + stem) : List.of(stem);
    List<Path> matches = new ArrayList<>();
    if (Files.isDirectory(folder)) {
      try (Stream<Path> files = Files.list(folder)) {
        files
            .filter(Files::isRegularFile)
            .filter(p -> !p.getFileName().toString().startsWith("."))
            .filter(p -> stems.contains(stemOf(p)))
            .sorted()
            .forEach(matches::add);
      } catch (IOException e) {
        throw new IngestException("cannot list " + folder + ": " + e.getMessage(), e);
      }
    }
    if (matches.isEmpty()) {
      throw new IngestException(
          annotationFile
              + " names video '"
              + name
              + "' but "
              + folder
              + " has no file "
              + String.join(" or ", stems.stream().map(s -> s + "[.<ext>]").toList()));
    }
    if (matches.size() > 1) {
      throw new IngestException(
          annotationFile + " names video '" + name + "', which matches several files: " + matches);
    }
    return matches.get(0);
  }

  private static String stemOf(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private static void createDirectories(Path folder) {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new IngestException("cannot create " + folder + ": " + e.getMessage(), e);
    }
  }
}
