package io.oad.deploy;

import io.oad.detector.Detector;
import io.oad.detector.weights.OfficialConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code oad import}: turns an official OadTR state dict (exported to .npz) into this project's
 * model archive.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import a model trained with the official OadTR code: its state dict exported to .npz and its config as JSON.",
      "Names and shapes are checked against the config; the first mismatch is reported."
    })
final class ImportCommand implements Callable<Integer> {
  @Option(
      names = "--weights",
      required = true,
      paramLabel = "STATE.npz",
      description = "The official state dict as numpy arrays under the official names.")
  Path weights;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "CONFIG.json",
      description =
          "Official config fields: enc_layers, dim_feature, embedding_dim, num_heads, num_layers, hidden_dim, decoder_embedding_dim, decoder_embedding_dim_out, decoder_num_heads, decoder_layers, query_num, numclass.")
  Path config;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "MODEL",
      description = "Archive folder to write.")
  Path out;

  @Option(
      names = "--classes",
      paramLabel = "a,b,...|FILE",
      description =
          "Class names, background first: a comma list or a file with one per line (default: class_0..class_{C-1}).")
  String classes;

  @Option(
      names = "--model-id",
      description = "Version id of the archive (default: the archive folder name).")
  String modelId;

  @Override
  public Integer call() throws IOException {
    requireFile(weights, "--weights");
    requireFile(config, "--config");
    int numClasses = OfficialConfig.read(config).numClasses();
    List<String> names = classNames(classes, numClasses);
    String id =
        modelId != null ? modelId : out.toAbsolutePath().normalize().getFileName().toString();
    try (Detector d = Detector.fromOfficial(weights, config, names, id)) {
      d.save(out);
      System.out.printf(
          "imported %s: %s, %d classes -> %s%n", weights, d.config(), names.size(), out);
    }
    return 0;
  }

  static List<String> classNames(String spec, int numClasses) throws IOException {
    List<String> names;
    if (spec == null) {
      names = new ArrayList<>();
      for (int i = 0; i < numClasses; i++) {
        names.add("class_" + i);
      }
      return names;
    }
    Path file = Path.of(spec);
    names =
        Files.isRegularFile(file)
            ? Files.readAllLines(file).stream().map(String::trim).filter(s -> !s.isEmpty()).toList()
            : Arrays.stream(spec.split(",")).map(String::trim).toList();
    if (names.size() != numClasses) {
      throw new IllegalArgumentException(
          "--classes names " + names.size() + " classes but the config has numclass " + numClasses);
    }
    return names;
  }

  static void requireFile(Path p, String option) {
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException(option + " " + p + " is not a readable file");
    }
  }
}
