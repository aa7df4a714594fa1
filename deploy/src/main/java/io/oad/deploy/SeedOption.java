package io.oad.deploy;

import picocli.CommandLine.Option;

/**
 * {@code --seed}: the one seed of a training command's composition, initialisation and shuffling.
 */
final class SeedOption {
  @Option(
      names = "--seed",
      defaultValue = "1",
      description =
          "Seed of composition, initialisation and shuffling (default: ${DEFAULT-VALUE}).")
  long seed;
}
