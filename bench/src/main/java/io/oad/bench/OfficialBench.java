package io.oad.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.detector.OadtrConfig;
import io.oad.detector.OadtrVariant;
import io.oad.detector.weights.OfficialConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The official OadTR code's timing of a model, next to which {@code oad bench} prints ours: runs
 * {@code scripts/oadtr_official_bench.py} with Debian's {@code python3-torch}, which builds the
 * official architecture ({@code VisionTransformer_v3}) from its published structure, first checks
 * that it reproduces the official reference outputs (when the reference folder is given), then
 * times {@code forward} at each batch size with the given intra-op thread count.
 */
final class OfficialBench {
  /** Debian's interpreter, the one {@code python3-torch} installs into. */
  static final String DEFAULT_PYTHON = "/usr/bin/python3";

  /** The script, relative to the project root. */
  static final String SCRIPT = "scripts/oadtr_official_bench.py";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PROBE_SECONDS = 60;
  private static final long RUN_MINUTES = 30;

  /**
   * One batch size as the script timed it.
   *
   * @param msPerPrediction median call time over the batch
   * @param p90MsPerPrediction p90 call time over the batch
   * @param bestMsPerPrediction fastest call time over the batch
   * @param bestCpuMsPerPrediction least process CPU time of one call over the batch (NaN from a
   *     script that does not report it)
   */
  record Timing(
      int batch,
      int iterations,
      double msPerPrediction,
      double p90MsPerPrediction,
      double bestMsPerPrediction,
      double bestCpuMsPerPrediction) {}

  /** The comparison with the official reference outputs that preceded the timing. */
  record Check(
      String reference,
      double maxAbsDiffCurrent,
      double maxAbsDiffFuture,
      double tolerance,
      boolean passed) {}

  /**
   * One run of the script: a model at one thread count.
   *
   * @param blas the BLAS libraries PyTorch loaded (Debian's torch uses whatever provides
   *     libblas.so.3)
   * @param matmulGflopsPerSecond the script's best 1024² fp32 matmul rate at the same threads
   */
  record Run(
      String model,
      int threads,
      String torch,
      List<String> blas,
      long parameters,
      double matmulGflopsPerSecond,
      Check check,
      List<Timing> rows) {
    /** The timing at {@code batch}, or null. */
    Timing at(int batch) {
      return rows.stream().filter(t -> t.batch() == batch).findFirst().orElse(null);
    }

    /**
     * This run with the timings of {@code later} (another run of the same model and threads)
     * appended; keeps the better matmul rate (a capacity) and the first reference check.
     */
    Run merge(Run later) {
      List<Timing> all = new ArrayList<>(rows);
      all.addAll(later.rows());
      double matmul =
          Double.isNaN(matmulGflopsPerSecond)
              ? later.matmulGflopsPerSecond()
              : Math.max(matmulGflopsPerSecond, later.matmulGflopsPerSecond());
      return new Run(
          model,
          threads,
          torch,
          blas,
          parameters,
          matmul,
          check != null ? check : later.check(),
          List.copyOf(all));
    }

    /** Whether PyTorch runs on Debian's reference BLAS (libblas3), far slower than OpenBLAS. */
    boolean referenceBlas() {
      return !blas.isEmpty()
          && blas.stream()
              .noneMatch(b -> b.toLowerCase(Locale.ROOT).matches(".*(openblas|mkl|blis|atlas).*"));
    }
  }

  private final String python;
  private final Path script;
  private final Path reference;

  /**
   * @param python interpreter with {@code torch} ({@link #DEFAULT_PYTHON})
   * @param script the benchmark script
   * @param reference official reference folder to check first ({@code config.json}, {@code
   *     weights.npz}, {@code input.npy}, {@code expected_*.npy}); null to skip the check
   */
  OfficialBench(String python, Path script, Path reference) {
    this.python = python;
    this.script = script;
    this.reference = reference;
  }

  /**
   * The script of the installation ({@code home/scripts}), or of the source tree the tests run in
   * ({@code oad.root}); null if neither has it.
   */
  static Path locateScript(Path home) {
    List<Path> candidates = new ArrayList<>();
    candidates.add(home.resolve(SCRIPT));
    String root = System.getProperty("oad.root");
    if (root != null) {
      candidates.add(Path.of(root).resolve(SCRIPT));
    }
    return candidates.stream()
        .filter(Files::isRegularFile)
        .map(Path::toAbsolutePath)
        .findFirst()
        .orElse(null);
  }

  /**
   * The official tiny reference folder ({@code oadtr-reference/tiny} of the shared data next to the
   * installation or under {@code oad.shared}), or null if absent.
   */
  static Path locateReference(Path home) {
    List<Path> candidates = new ArrayList<>();
    candidates.add(home.resolve("../shared/data/oadtr-reference/tiny").normalize());
    String shared = System.getProperty("oad.shared");
    if (shared != null) {
      candidates.add(Path.of(shared).resolve("data/oadtr-reference/tiny"));
    }
    return candidates.stream()
        .filter(p -> Files.isRegularFile(p.resolve("weights.npz")))
        .findFirst()
        .orElse(null);
  }

  /** Why the official timing cannot run here (one line), or null when it can. */
  String unavailableReason() {
    if (script == null || !Files.isRegularFile(script)) {
      return SCRIPT + " not found";
    }
    if (!Files.isExecutable(Path.of(python))) {
      return python + " not found (install Debian's python3-torch)";
    }
    try {
      Process p =
          new ProcessBuilder(python, "-c", "import torch; print(torch.__version__)")
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return python + " -c 'import torch' did not finish in " + PROBE_SECONDS + " s";
      }
      if (p.exitValue() != 0) {
        return python + " cannot import torch (install Debian's python3-torch)";
      }
      return new String(out, StandardCharsets.UTF_8).isBlank() ? "torch has no version" : null;
    } catch (IOException e) {
      return "cannot start " + python + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Runs the script for {@code config} at {@code threads} intra-op threads and every batch size,
   * with the warm-up, iterations and time budget of {@code loop}.
   *
   * @throws IllegalArgumentException if the configuration is not the official model's
   * @throws IllegalStateException if the script fails, e.g. because its outputs differ from the
   *     official reference outputs
   */
  Run run(String model, OadtrConfig config, int threads, List<Integer> batches, TimedLoop loop) {
    if (config.variant() != OadtrVariant.FULL) {
      throw new IllegalArgumentException(
          "the official code has only the full model, not " + config.variant().label());
    }
    List<String> command = new ArrayList<>();
    command.add(python);
    command.add(script.toString());
    command.add("--config-json");
    command.add(OfficialConfig.toJson(config).toString());
    command.add("--batches");
    command.add(batches.stream().map(String::valueOf).collect(Collectors.joining(",")));
    command.add("--threads");
    command.add(String.valueOf(threads));
    command.add("--warmup");
    command.add(String.valueOf(loop.warmup()));
    command.add("--iterations");
    command.add(String.valueOf(loop.iterations()));
    command.add("--max-seconds");
    command.add(String.valueOf(loop.maxSeconds()));
    if (reference != null) {
      command.add("--reference");
      command.add(reference.toString());
    }
    Path stderr = null;
    try {
      stderr = Files.createTempFile("oadtr-official", ".log");
      ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
      // the BLAS reads its thread count when it loads; ./oad exports OMP_NUM_THREADS=1 for itself
      for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) {
        pb.environment().put(v, String.valueOf(threads));
      }
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(RUN_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(SCRIPT + " did not finish in " + RUN_MINUTES + " min");
      }
      String errors = Files.readString(stderr, StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            SCRIPT + " failed (exit " + p.exitValue() + "): " + lastLines(errors, 6));
      }
      return parse(model, JSON.readTree(out));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + SCRIPT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + SCRIPT, e);
    } finally {
      if (stderr != null) {
        try {
          Files.deleteIfExists(stderr);
        } catch (IOException ignored) {
          // a temporary file
        }
      }
    }
  }

  /** The script's JSON as a {@link Run}; refuses output without a row per batch size. */
  static Run parse(String model, JsonNode root) {
    JsonNode rowsNode = root.path("rows");
    if (!rowsNode.isArray() || rowsNode.isEmpty()) {
      throw new IllegalStateException(SCRIPT + " printed no timings: " + root);
    }
    List<Timing> rows = new ArrayList<>();
    for (JsonNode r : rowsNode) {
      rows.add(
          new Timing(
              r.path("batch").asInt(),
              r.path("iterations").asInt(),
              r.path("msPerPrediction").asDouble(Double.NaN),
              r.path("p90MsPerPrediction").asDouble(Double.NaN),
              r.path("bestMsPerPrediction").asDouble(Double.NaN),
              r.path("bestCpuMsPerPrediction").asDouble(Double.NaN)));
    }
    JsonNode c = root.path("check");
    Check check =
        c.isObject()
            ? new Check(
                c.path("reference").asText(),
                c.path("maxAbsDiffCurrent").asDouble(Double.NaN),
                c.path("maxAbsDiffFuture").asDouble(Double.NaN),
                c.path("tolerance").asDouble(Double.NaN),
                c.path("passed").asBoolean(false))
            : null;
    List<String> blas = new ArrayList<>();
    root.path("blas").forEach(b -> blas.add(b.asText()));
    return new Run(
        model,
        root.path("threads").asInt(),
        root.path("torch").asText(),
        List.copyOf(blas),
        root.path("parameters").asLong(),
        root.path("matmul").path("gflopsPerSecond").asDouble(Double.NaN),
        check,
        List.copyOf(rows));
  }

  private static String lastLines(String text, int n) {
    String[] lines = text.split("\n");
    int from = Math.max(0, lines.length - n);
    return String.join(" | ", java.util.Arrays.asList(lines).subList(from, lines.length));
  }
}
