package io.oad.datasets.compose;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One trimmed clip from a catalog's manifest: a single action by a single subject for its whole
 * length.
 *
 * @param path the clip file (absolute)
 * @param relativePath the path as written in the manifest, relative to the catalog folder
 * @param action action name, e.g. {@code walk}
 * @param subject subject name, e.g. {@code daria}
 * @param frames frame count the manifest declares
 * @param fps frame rate the manifest declares
 * @param width frame width in pixels
 * @param height frame height in pixels
 */
public record Clip(
    Path path,
    String relativePath,
    String action,
    String subject,
    int frames,
    double fps,
    int width,
    int height) {
  /** Validates the fields. */
  public Clip {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(relativePath, "relativePath");
    if (action == null || action.isBlank() || subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("clip " + relativePath + " needs an action and a subject");
    }
    if (frames <= 0 || !(fps > 0) || width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "clip "
              + relativePath
              + " has bad frames/fps/size: "
              + frames
              + ", "
              + fps
              + ", "
              + width
              + "x"
              + height);
    }
  }
}
