package io.oad.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.detector.Detector;
import io.oad.detector.archive.ModelArchive;
import io.oad.detector.weights.OfficialConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code oad export}: writes a model archive's weights under the official OadTR state-dict names,
 * for the official PyTorch code to load with {@code load_state_dict(strict=True)}, and its config
 * as the official fields.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Export a model archive as an official OadTR state dict (.npz, official names) plus CONFIG.json next to it.")
final class ExportCommand implements Callable<Integer> {
  @Option(
      names = "--format",
      defaultValue = "npz",
      description = "Output format; only npz (default: ${DEFAULT-VALUE}).")
  String format;

  @Parameters(index = "0", paramLabel = "MODEL", description = "Model archive folder.")
  Path model;

  @Parameters(
      index = "1",
      paramLabel = "OUT.npz",
      description = "File to write; the config goes to OUT.config.json.")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (!"npz".equals(format)) {
      throw new IllegalArgumentException("--format " + format + " is not supported; use npz");
    }
    try (Detector d = Detector.load(model)) {
      // the archive stores its weights under the official names already; loading it above checked
      // every name/shape
      Path weights = model.resolve(ModelArchive.readManifest(model).weights());
      Files.copy(weights, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Path cfg =
          out.resolveSibling(
              out.getFileName().toString().replaceFirst("\\.npz$", "") + ".config.json");
      Files.writeString(
          cfg,
          new ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(OfficialConfig.toJson(d.config())));
      System.out.printf("exported %s (%s) -> %s and %s%n", model, d.modelId(), out, cfg);
    }
    return 0;
  }
}
