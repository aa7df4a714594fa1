package io.oad.datasets.compose;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Test helper: untrimmed videos with a THUMOS-style annotation file, made from the shared Weizmann
 * clips by the project's own composer: per subject, streams of its clips with background before,
 * between and after them, in {@code dir/videos/<subject>_seed<s>.avi}, and {@code
 * dir/annotations.csv} ({@code video,action,start_s,end_s}) written from each composition's known
 * segments. The composer's label files are removed, so the folder holds only the videos.
 */
public final class UntrimmedLayout {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private UntrimmedLayout() {}

  /** What was made: the videos folder, the annotation file and the compositions. */
  public record Made(Path videos, Path annotations, List<ComposedStream> streams) {}

  /**
   * Composes {@code streamsPerSubject} streams of each subject's clips of {@code actions}.
   *
   * @param seed seed of the first stream of each subject
   */
  public static Made weizmann(
      Path dir, List<String> actions, List<String> subjects, int streamsPerSubject, long seed)
      throws Exception {
    Path clips = ClassFolderLayout.weizmann(dir.resolve("clips"), actions, subjects, true);
    ClipCatalog catalog = ClassFolders.load(clips, "^([a-z]+)_", dir.resolve("plates"), QUIET);
    ComposeOptions options =
        ComposeOptions.builder()
            .optStreamsPerSubject(streamsPerSubject)
            .optLeadingBackground(true)
            .optTrailingBackground(true)
            .build();
    Path videos = dir.resolve("videos");
    List<ComposedStream> streams =
        StreamComposer.composeAll(catalog, subjects, seed, options, videos);
    List<List<?>> rows = new ArrayList<>();
    for (ComposedStream s : streams) {
      String name = s.video().getFileName().toString();
      String stem = name.substring(0, name.lastIndexOf('.'));
      for (Segment seg : s.segments()) {
        if (!seg.isBackground()) {
          // the file name with and without its extension, both allowed
          rows.add(
              List.of(
                  rows.size() % 2 == 0 ? stem : name,
                  seg.labelName(),
                  String.format(Locale.ROOT, "%.4f", seg.start() / s.fps()),
                  String.format(Locale.ROOT, "%.4f", seg.end() / s.fps())));
        }
      }
      Files.delete(s.labelsFile());
      Files.delete(LabelFiles.segmentsFileFor(s.video()));
    }
    Files.delete(videos.resolve(StreamComposer.INDEX_FILE));
    Path annotations = dir.resolve("annotations.csv");
    CsvFiles.write(annotations, Annotations.CSV_COLUMNS, rows);
    return new Made(videos, annotations, streams);
  }
}
