package io.oad.detector.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes the {@code model.json} manifest of a model archive directory. */
public final class ModelArchive {
  /** Manifest file name inside the archive directory. */
  public static final String MANIFEST_FILE = "model.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelArchive() {}

  /** Reads the manifest of {@code dir}. */
  public static ModelManifest readManifest(Path dir) {
    Path file = dir.resolve(MANIFEST_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("not a model archive: " + file + " does not exist");
    }
    try {
      return JSON.readValue(file.toFile(), ModelManifest.class);
    } catch (IOException e) {
      Throwable why = e.getCause() != null ? e.getCause() : e;
      throw new UncheckedIOException("cannot read " + file + ": " + why.getMessage(), e);
    }
  }

  /** Writes the manifest into {@code dir}, creating it if needed. */
  public static void writeManifest(Path dir, ModelManifest manifest) {
    try {
      Files.createDirectories(dir);
      JSON.writeValue(dir.resolve(MANIFEST_FILE).toFile(), manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(MANIFEST_FILE), e);
    }
  }
}
