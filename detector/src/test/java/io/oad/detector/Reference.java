package io.oad.detector;

import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the official reference outputs in the shared data folder; fails loudly if absent. */
final class Reference {
  private Reference() {}

  static Path dir() {
    String shared = System.getProperty("oad.shared");
    if (shared == null) {
      fail("system property oad.shared is not set (the parent pom sets it for surefire)");
    }
    Path dir = Path.of(shared, "data", "oadtr-reference");
    if (!Files.isDirectory(dir.resolve("tiny"))) {
      fail("official reference outputs missing: " + dir.resolve("tiny"));
    }
    return dir;
  }

  static Path tiny(String file) {
    return dir().resolve("tiny").resolve(file);
  }

  static NDArray npy(NDManager manager, String file) throws IOException {
    try (InputStream in = Files.newInputStream(tiny(file))) {
      return NDList.decode(manager, in).singletonOrThrow();
    }
  }
}
