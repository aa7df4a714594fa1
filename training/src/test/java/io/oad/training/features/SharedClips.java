package io.oad.training.features;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.compose.ClipCatalog;
import io.oad.datasets.compose.ComposedStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The shared Weizmann clips, and one short composed stream of them, for tests. */
public final class SharedClips {
  private SharedClips() {}

  public static Path weizmann() {
    Path dir = Path.of(System.getProperty("oad.shared", "../shared")).resolve("data/weizmann");
    assertTrue(
        Files.isDirectory(dir), "Weizmann clips not found at " + dir + " (set -Doad.shared=DIR)");
    return dir;
  }

  /** One composed stream of {@code subject} in {@code dir}. */
  public static ComposedStream stream(String subject, long seed, Path dir) {
    List<ComposedStream> streams =
        WeizmannData.compose(ClipCatalog.load(weizmann()), List.of(subject), seed, 1, dir);
    return streams.get(0);
  }
}
