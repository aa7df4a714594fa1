package io.oad.service;

import io.oad.extractor.Backbone;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.extractor.TwoStreamBackbone;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the backbone the service runs: the project's trained one when it is installed. */
public final class Backbones {
  /** Where a backbone folder is looked for, relative to the installation's home. */
  public static final Path FOLDER = Path.of("models", "backbone");

  private static final Logger LOG = LoggerFactory.getLogger(Backbones.class);

  private Backbones() {}

  /**
   * The backbone of the folder {@code dir} if one is given, else {@link #defaultBackbone(Path)} of
   * {@code home}.
   *
   * @throws IllegalArgumentException if {@code dir} is given but is not a backbone folder
   */
  public static Backbone of(Path dir, Path home) {
    if (dir == null) {
      return defaultBackbone(home);
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("backbone folder " + dir + " is not a directory");
    }
    TwoStreamBackbone backbone = TwoStreamBackbone.load(dir);
    LOG.info("backbone {} from {}", backbone.id(), dir);
    return backbone;
  }

  /**
   * The trained {@link TwoStreamBackbone} of {@code home/models/backbone} if that folder exists,
   * else the untrained {@link PooledPixelBackbone} placeholder (with a log line saying so).
   *
   * @throws IllegalArgumentException if the folder exists but does not hold a valid backbone
   */
  public static Backbone defaultBackbone(Path home) {
    Path dir = home.resolve(FOLDER);
    if (Files.isDirectory(dir)) {
      TwoStreamBackbone backbone = TwoStreamBackbone.load(dir);
      LOG.info("backbone {} from {}", backbone.id(), dir);
      return backbone;
    }
    PooledPixelBackbone placeholder = new PooledPixelBackbone();
    LOG.info(
        "no trained backbone in {} (oad train-backbone writes one): using the untrained {}",
        dir,
        placeholder.id());
    return placeholder;
  }
}
