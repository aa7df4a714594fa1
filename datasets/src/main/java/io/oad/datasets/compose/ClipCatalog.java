package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * A folder of trimmed clips described by a {@code manifest.csv} ({@code
 * path,action,subject,frames,fps,width,height,...}) with one background plate per subject in {@code
 * backgrounds/<subject>_bg.png}.
 *
 * <p>Class ids: 0 is {@link #BACKGROUND}, then the manifest's actions in sorted order (1..n). For
 * the Weizmann folder this is exactly the README's label order {@link #WEIZMANN_ACTIONS}; {@link
 * #load(Path)} refuses a folder whose actions are the Weizmann set in any other order.
 */
public final class ClipCatalog {
  /** Name of class 0. */
  public static final String BACKGROUND = "background";

  /** Weizmann actions in label order: ids 1..10. */
  public static final List<String> WEIZMANN_ACTIONS =
      List.of("bend", "jack", "jump", "pjump", "run", "side", "skip", "walk", "wave1", "wave2");

  private static final List<String> REQUIRED_COLUMNS =
      List.of("path", "action", "subject", "frames", "fps", "width", "height");

  private final Path dir;
  private final Path backgrounds;
  private final List<Clip> clips;
  private final List<String> actions;
  private final List<String> subjects;

  private ClipCatalog(
      Path dir, Path backgrounds, List<Clip> clips, List<String> actions, List<String> subjects) {
    this.dir = dir;
    this.backgrounds = backgrounds;
    this.clips = clips;
    this.actions = actions;
    this.subjects = subjects;
  }

  /**
   * Reads {@code dir/manifest.csv} and checks that every clip file and every subject's background
   * plate exists.
   *
   * @throws IngestException naming the missing file or the bad manifest line
   */
  public static ClipCatalog load(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    Path manifest = root.resolve("manifest.csv");
    if (!Files.isRegularFile(manifest)) {
      throw new IngestException("clip folder " + root + " has no manifest.csv");
    }
    CsvFiles.Table table = CsvFiles.read(manifest, "manifest");
    if (table.header().isEmpty()) {
      throw new IngestException(manifest + " is empty");
    }
    checkColumns(manifest, table.header());
    List<Clip> clips = new ArrayList<>();
    for (CsvFiles.Row row : table.rows()) {
      clips.add(parse(root, manifest, row));
    }
    if (clips.isEmpty()) {
      throw new IngestException(manifest + " lists no clips");
    }
    ClipCatalog catalog = of(root, root.resolve("backgrounds"), clips, manifest);
    for (String subject : catalog.subjects()) {
      Path plate = catalog.backgroundOf(subject);
      if (!Files.isRegularFile(plate)) {
        throw new IngestException(
            "background plate for subject '" + subject + "' missing: " + plate);
      }
    }
    return catalog;
  }

  /**
   * A catalog of {@code clips} whose subjects' plates are {@code backgrounds/<subject>_bg.png} (not
   * checked here).
   *
   * @param source what the clips were read from, for error messages
   */
  static ClipCatalog of(Path dir, Path backgrounds, List<Clip> clips, Path source) {
    List<Clip> sorted = new ArrayList<>(clips);
    sorted.sort(
        Comparator.comparing(Clip::subject)
            .thenComparing(Clip::action)
            .thenComparing(Clip::relativePath));
    List<String> actions = List.copyOf(new TreeSet<>(sorted.stream().map(Clip::action).toList()));
    if (new TreeSet<>(WEIZMANN_ACTIONS).equals(new TreeSet<>(actions))
        && !actions.equals(WEIZMANN_ACTIONS)) {
      throw new IngestException(
          "Weizmann actions in " + source + " sort as " + actions + ", not " + WEIZMANN_ACTIONS);
    }
    List<String> subjects = List.copyOf(new TreeSet<>(sorted.stream().map(Clip::subject).toList()));
    return new ClipCatalog(dir, backgrounds, List.copyOf(sorted), actions, subjects);
  }

  private static void checkColumns(Path manifest, List<String> header) {
    for (String required : REQUIRED_COLUMNS) {
      if (!header.contains(required)) {
        throw new IngestException(manifest + " header lacks column '" + required + "': " + header);
      }
    }
  }

  private static Clip parse(Path root, Path manifest, CsvFiles.Row row) {
    String where = manifest + " line " + row.line();
    try {
      String relative = row.get("path");
      Path path = root.resolve(relative).normalize();
      if (!Files.isRegularFile(path)) {
        throw new IngestException(where + ": clip file missing: " + path);
      }
      return new Clip(
          path,
          relative,
          row.get("action"),
          row.get("subject"),
          Integer.parseInt(row.get("frames")),
          Double.parseDouble(row.get("fps")),
          Integer.parseInt(row.get("width")),
          Integer.parseInt(row.get("height")));
    } catch (IllegalArgumentException e) {
      // a number that is not one, a row shorter than the header
      throw new IngestException(where + ": " + e.getMessage(), e);
    }
  }

  /** The catalog folder (absolute). */
  public Path dir() {
    return dir;
  }

  /** Every clip, sorted by subject then action. */
  public List<Clip> clips() {
    return clips;
  }

  /** Action names in label order: action {@code actions().get(i)} has label {@code i + 1}. */
  public List<String> actions() {
    return actions;
  }

  /** Class names by label: {@code background} first, then {@link #actions()}. */
  public List<String> classNames() {
    List<String> names = new ArrayList<>(actions.size() + 1);
    names.add(BACKGROUND);
    names.addAll(actions);
    return List.copyOf(names);
  }

  /** Subjects in sorted order. */
  public List<String> subjects() {
    return subjects;
  }

  /**
   * The label of an action (1..n).
   *
   * @throws IllegalArgumentException if the action is not in the catalog
   */
  public int labelOf(String action) {
    int i = actions.indexOf(action);
    if (i < 0) {
      throw new IllegalArgumentException("unknown action '" + action + "'; known: " + actions);
    }
    return i + 1;
  }

  /**
   * The subject's clips, sorted by action.
   *
   * @throws IllegalArgumentException if the subject is not in the catalog
   */
  public List<Clip> clipsOf(String subject) {
    requireSubject(subject);
    return clips.stream().filter(c -> c.subject().equals(subject)).toList();
  }

  /**
   * The subject's background plate, {@code backgrounds/<subject>_bg.png}.
   *
   * @throws IllegalArgumentException if the subject is not in the catalog
   */
  public Path background(String subject) {
    requireSubject(subject);
    return backgroundOf(subject);
  }

  private Path backgroundOf(String subject) {
    return backgrounds.resolve(subject + "_bg.png");
  }

  private void requireSubject(String subject) {
    if (!subjects.contains(subject)) {
      throw new IllegalArgumentException(
          "unknown subject '" + subject + "' in " + dir + "; known: " + subjects);
    }
  }
}
