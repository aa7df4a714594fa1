package io.oad.deploy;

import io.oad.datasets.Npy;
import io.oad.datasets.NpyArray;
import io.oad.detector.Detector;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code oad predict}: offline scoring of a batch of windows; writes the logits as numpy arrays so
 * they can be compared with the official implementation's.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Run a model on a batch of windows (WINDOWS.npy: batch x T x feature dim, float32/float64) and write the logits",
      "to an .npz: 'current' (batch x classes) and 'future' (batch x future steps x classes)."
    })
final class PredictCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "MODEL",
      description = "Model archive folder.")
  Path model;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "WINDOWS.npy",
      description = "Windows, batch x T x feature dim.")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "LOGITS.npz", description = "Output file.")
  Path out;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Override
  public Integer call() throws IOException {
    ImportCommand.requireFile(input, "--input");
    NpyArray in = Npy.read(input);
    try (Detector d = Detector.load(model)) {
      int t = d.config().window();
      int dim = d.config().featureDim();
      if (in.rank() != 3 || in.dim(1) != t || in.dim(2) != dim) {
        throw new IllegalArgumentException(
            input
                + " has shape "
                + Arrays.toString(in.shape())
                + " but the model expects (batch, "
                + t
                + ", "
                + dim
                + ")");
      }
      int n = in.dim(0);
      int c = d.classNames().size();
      int f = d.config().futureSteps();
      double[] current = new double[n * c];
      double[] future = new double[n * f * c];
      double[] v = in.values();
      for (int from = 0; from < n; from += batch) {
        int b = Math.min(batch, n - from);
        float[][][] windows = new float[b][t][dim];
        for (int i = 0; i < b; i++) {
          for (int s = 0; s < t; s++) {
            for (int k = 0; k < dim; k++) {
              windows[i][s][k] = (float) v[(((from + i) * t) + s) * dim + k];
            }
          }
        }
        Detector.Output o = d.logits(windows);
        for (int i = 0; i < b; i++) {
          for (int k = 0; k < c; k++) {
            current[(from + i) * c + k] = o.current()[i][k];
            for (int s = 0; s < f; s++) {
              future[((from + i) * f + s) * c + k] = o.future()[i][s][k];
            }
          }
        }
      }
      writeNpz(
          out,
          new NpyArray(Npy.FLOAT32, new int[] {n, c}, current),
          new NpyArray(Npy.FLOAT32, new int[] {n, f, c}, future));
      System.out.printf(
          "scored %d windows with %s -> %s (current %dx%d, future %dx%dx%d)%n",
          n, d.modelId(), out, n, c, n, f, c);
    }
    return 0;
  }

  private static void writeNpz(Path out, NpyArray current, NpyArray future) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream os = Files.newOutputStream(out);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      zip.putNextEntry(new ZipEntry("current.npy"));
      zip.write(Npy.encode(current));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("future.npy"));
      zip.write(Npy.encode(future));
      zip.closeEntry();
    }
  }
}
