package io.oad.datasets.compose;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test helper: the shared Weizmann clips laid out as trimmed clips in class folders, {@code
 * dir/<action>/<subject>_<action>.avi}, with no manifest and no backgrounds.
 */
public final class ClassFolderLayout {
  private ClassFolderLayout() {}

  /**
   * Copies (or links) the shared clips of {@code actions} x {@code subjects} into {@code dir}.
   *
   * @param link symbolic links instead of copies
   * @return {@code dir}
   */
  public static Path weizmann(Path dir, List<String> actions, List<String> subjects, boolean link)
      throws Exception {
    Path videos = SharedClips.weizmannDir().resolve("videos");
    for (String a : actions) {
      Files.createDirectories(dir.resolve(a));
      for (String s : subjects) {
        String name = s + "_" + a + ".avi";
        Path source = videos.resolve(a).resolve(name);
        Path target = dir.resolve(a).resolve(name);
        if (link) {
          Files.createSymbolicLink(target, source);
        } else {
          Files.copy(source, target);
        }
      }
    }
    return dir;
  }
}
