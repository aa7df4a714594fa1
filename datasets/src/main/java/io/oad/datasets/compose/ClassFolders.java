package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Trimmed clips in the layout UCF101 and Kinetics use, {@code DIR/<action>/<any name>.<video>}: no
 * manifest, no background images, any container, codec, size and frame rate FFmpeg reads. Each
 * clip's group (the person, camera or session it shares its scene with) is the first capture group
 * of a pattern found in its file name, or the file name without its extension when there is no
 * pattern (every clip its own group). A group plays the part of a Weizmann subject: streams are
 * composed from one group's clips, and the gaps between them show the group's empty scene, the
 * temporal median of its clips' frames ({@link MedianBackground}), written to {@code
 * <backgrounds>/<group>_bg.png}.
 */
public final class ClassFolders {
  private ClassFolders() {}

  /**
   * Reads the folder, probes every clip and writes one background plate per group.
   *
   * @param dir the folder of action folders
   * @param groupPattern regular expression with a capture group, searched in each file name; null
   *     for "every clip its own group"
   * @param backgrounds folder for the plates (created)
   * @param log one line per group
   * @throws IngestException naming the file or folder: an unreadable video, an action folder with
   *     fewer than two clips, a file name the pattern does not match, a group whose clips differ in
   *     frame rate
   */
  public static ClipCatalog load(Path dir, String groupPattern, Path backgrounds, PrintStream log) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new IngestException("clip folder " + root + " does not exist");
    }
    Pattern pattern = compile(groupPattern);
    List<Clip> clips = new ArrayList<>();
    for (Path actionDir : list(root).stream().filter(Files::isDirectory).toList()) {
      String action = actionDir.getFileName().toString();
      List<Path> files = list(actionDir).stream().filter(Files::isRegularFile).toList();
      if (files.size() < 2) {
        throw new IngestException(
            "action folder "
                + actionDir
                + " holds "
                + files.size()
                + " clip(s): each action needs at least two (one to train on, one to test on)");
      }
      for (Path file : files) {
        ClipFrames.Probe p = ClipFrames.probe(file);
        clips.add(
            new Clip(
                file,
                action + "/" + file.getFileName(),
                action,
                groupOf(file.getFileName().toString(), pattern, file),
                p.frames(),
                p.fps(),
                p.width(),
                p.height()));
      }
    }
    if (clips.isEmpty()) {
      throw new IngestException(
          "clip folder " + root + " has no action folders (expected DIR/<action>/<clip>)");
    }
    ClipCatalog catalog = ClipCatalog.of(root, backgrounds.toAbsolutePath(), clips, root);
    for (String group : catalog.subjects()) {
      List<Clip> own = catalog.clipsOf(group);
      Clip first = own.get(0);
      for (Clip c : own) {
        if (c.fps() != first.fps()) {
          throw new IngestException(
              "clips of group '"
                  + group
                  + "' differ in frame rate: "
                  + first.path()
                  + " ("
                  + first.fps()
                  + " fps) and "
                  + c.path()
                  + " ("
                  + c.fps()
                  + " fps)");
        }
      }
      Path plate = catalog.background(group);
      MedianBackground.write(own, first.width(), first.height(), plate);
      log.printf(
          Locale.ROOT,
          "group %s: %d clips, %dx%d at %.2f fps, background %s%n",
          group,
          own.size(),
          first.width(),
          first.height(),
          first.fps(),
          plate);
    }
    return catalog;
  }

  /**
   * The group of a file name: the first capture group of the first match of {@code pattern} (the
   * whole match if it has no group), or the name without extension when {@code pattern} is null.
   *
   * @throws IngestException naming {@code file} if the pattern does not match
   */
  static String groupOf(String name, Pattern pattern, Path file) {
    if (pattern == null) {
      int dot = name.lastIndexOf('.');
      return dot > 0 ? name.substring(0, dot) : name;
    }
    Matcher m = pattern.matcher(name);
    if (!m.find()) {
      throw new IngestException(
          "--group-pattern '" + pattern + "' does not match the file name of " + file);
    }
    String group = m.groupCount() > 0 ? m.group(1) : m.group();
    if (group == null || group.isBlank()) {
      throw new IngestException(
          "--group-pattern '" + pattern + "' gives an empty group for " + file);
    }
    return group;
  }

  /**
   * Checks that every named group exists in the catalog.
   *
   * @param option the option the names came from, for the message
   * @throws IllegalArgumentException naming the group that matches no clip
   */
  public static void requireGroups(ClipCatalog catalog, List<String> groups, String option) {
    GroupSplit.requireGroups(catalog.subjects(), groups, option, catalog.dir().toString(), "clip");
  }

  static Pattern compile(String regex) {
    if (regex == null) {
      return null;
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "--group-pattern is not a regular expression: " + regex, e);
    }
  }

  private static List<Path> list(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw new IngestException("cannot list " + folder + ": " + e.getMessage(), e);
    }
  }
}
