package io.oad.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The clips of a Weizmann-layout folder ({@code manifest.csv} + {@code videos/}), grouped by
 * subject.
 */
final class WeizmannClips {
  /** Where users get the videos when their clone has no data folder. */
  static final String SOURCE_HINT =
      "the Weizmann 'Actions as Space-Time Shapes' clips (Gorelick et al., ICCV 2005), e.g. from the public repository "
          + "hueihan/Action_Recognition (data/WIS/video), laid out as videos/<action>/<subject>_<action>.avi with a "
          + "manifest.csv (path,action,subject,...)";

  private final Map<String, List<Path>> bySubject;

  private WeizmannClips(Map<String, List<Path>> bySubject) {
    this.bySubject = bySubject;
  }

  /**
   * Reads {@code manifest.csv} of {@code dir}; returns {@code null} when the folder or manifest is
   * absent.
   */
  static WeizmannClips open(Path dir) {
    Path manifest = dir.resolve("manifest.csv");
    if (!Files.isRegularFile(manifest)) {
      return null;
    }
    try {
      List<String> lines = Files.readAllLines(manifest);
      if (lines.isEmpty() || !lines.get(0).startsWith("path,action,subject")) {
        throw new IllegalArgumentException(
            manifest + " does not start with the header path,action,subject,...");
      }
      Map<String, List<Path>> map = new TreeMap<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        Path clip = dir.resolve(f[0]);
        if (Files.isRegularFile(clip)) {
          map.computeIfAbsent(f[2], k -> new ArrayList<>()).add(clip);
        }
      }
      return map.isEmpty() ? null : new WeizmannClips(map);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifest, e);
    }
  }

  /** Subjects in name order. */
  List<String> subjects() {
    return List.copyOf(bySubject.keySet());
  }

  /** All clips of one subject in a seeded random order. */
  List<String> playlist(String subject, long seed) {
    List<Path> clips = new ArrayList<>(bySubject.getOrDefault(subject, List.of()));
    Collections.shuffle(clips, new Random(seed ^ subject.hashCode()));
    return clips.stream().map(Path::toString).toList();
  }
}
