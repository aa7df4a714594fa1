package io.oad.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads labelled sequences in the layout of the OAD research code (OadTR, LSTR, TeSTra): one {@code
 * <video>.npy} feature array (steps × dim, float32 or float64) per video in each feature folder, a
 * {@code <video>.npy} per-step target array in a target folder, and a split file listing the video
 * ids.
 *
 * <p>Several feature folders (e.g. RGB and optical flow) are concatenated per step in the order
 * given. Targets are either class indices (shape {@code (steps,)}) or one-hot rows ({@code (steps,
 * C)}); a row with several ones takes the lowest index among its maxima. Feature and target lengths
 * must agree.
 */
public final class NpyFeatures {
  private NpyFeatures() {}

  /** Reads the videos named in {@code splitFile} from one feature folder. */
  public static List<LabeledSequence> read(Path featureDir, Path targetDir, Path splitFile) {
    return read(List.of(featureDir), targetDir, readSplit(splitFile));
  }

  /**
   * Reads {@code videoIds}, concatenating the features of {@code featureDirs} step by step.
   *
   * @throws IllegalArgumentException naming the file and video when something does not fit
   */
  public static List<LabeledSequence> read(
      List<Path> featureDirs, Path targetDir, List<String> videoIds) {
    if (featureDirs.isEmpty()) {
      throw new IllegalArgumentException("need at least one feature folder");
    }
    List<LabeledSequence> out = new ArrayList<>(videoIds.size());
    for (String id : videoIds) {
      out.add(readVideo(featureDirs, targetDir, id));
    }
    return out;
  }

  /** One video. */
  public static LabeledSequence readVideo(List<Path> featureDirs, Path targetDir, String videoId) {
    Objects.requireNonNull(videoId, "videoId");
    int[] labels = readTargets(file(targetDir, videoId));
    float[][] features = null;
    for (Path dir : featureDirs) {
      Path f = file(dir, videoId);
      NpyArray a = Npy.read(f);
      checkFinite(a, f);
      if (a.rank() != 2) {
        throw new IllegalArgumentException(
            f + ": features must be (steps, dim), got " + java.util.Arrays.toString(a.shape()));
      }
      if (a.dim(0) != labels.length) {
        throw new IllegalArgumentException(
            f + " has " + a.dim(0) + " steps but its targets have " + labels.length);
      }
      features = features == null ? a.toFloatMatrix() : concat(features, a.toFloatMatrix());
    }
    return new LabeledSequence(videoId, features, labels);
  }

  /** Class index per step from a target file: (steps,) indices or (steps, C) one-hot rows. */
  public static int[] readTargets(Path file) {
    NpyArray a = Npy.read(file);
    checkFinite(a, file);
    return targets(a, file);
  }

  /** Class index per step of a target array read from {@code file}. */
  static int[] targets(NpyArray a, Path file) {
    if (a.rank() == 1) {
      int[] out = new int[a.dim(0)];
      for (int t = 0; t < out.length; t++) {
        double v = a.value(t);
        if (v < 0 || v != Math.rint(v)) {
          throw new IllegalArgumentException(file + ": step " + t + " has class index " + v);
        }
        out[t] = (int) v;
      }
      return out;
    }
    if (a.rank() == 2) {
      int steps = a.dim(0);
      int classes = a.dim(1);
      int[] out = new int[steps];
      for (int t = 0; t < steps; t++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (a.value(t * classes + c) > a.value(t * classes + best)) {
            best = c;
          }
        }
        if (a.value(t * classes + best) <= 0) {
          throw new IllegalArgumentException(file + ": step " + t + " has an all-zero target row");
        }
        out[t] = best;
      }
      return out;
    }
    throw new IllegalArgumentException(
        file
            + ": targets must be (steps,) or (steps, classes), got "
            + java.util.Arrays.toString(a.shape()));
  }

  /** Video ids of a split file: one per line; blank lines and lines starting with # skipped. */
  public static List<String> readSplit(Path splitFile) {
    try {
      List<String> ids = new ArrayList<>();
      for (String line : Files.readAllLines(splitFile)) {
        String id = line.strip();
        if (!id.isEmpty() && !id.startsWith("#")) {
          ids.add(id);
        }
      }
      if (ids.isEmpty()) {
        throw new IllegalArgumentException(splitFile + " lists no video");
      }
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read split file " + splitFile, e);
    }
  }

  /** Writes a sequence in this layout: features as float32, targets as int64 class indices. */
  public static void write(LabeledSequence sequence, Path featureDir, Path targetDir) {
    Npy.write(
        featureDir.resolve(sequence.videoId() + ".npy"), NpyArray.ofFloats(sequence.features()));
    Npy.write(targetDir.resolve(sequence.videoId() + ".npy"), NpyArray.ofLongs(sequence.labels()));
  }

  private static Path file(Path dir, String videoId) {
    Path f = dir.resolve(videoId + ".npy");
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException("missing " + f + " for video '" + videoId + "'");
    }
    return f;
  }

  /** Throws naming {@code file}, step and column of the first NaN or infinite value. */
  static void checkFinite(NpyArray a, Path file) {
    int cols = a.rank() == 2 ? a.dim(1) : 1;
    int n = a.size();
    for (int i = 0; i < n; i++) {
      double v = a.value(i);
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(
            file + ": " + v + " at step " + i / cols + (cols > 1 ? ", column " + i % cols : ""));
      }
    }
  }

  static float[][] concat(float[][] a, float[][] b) {
    float[][] out = new float[a.length][];
    for (int t = 0; t < a.length; t++) {
      out[t] = new float[a[t].length + b[t].length];
      System.arraycopy(a[t], 0, out[t], 0, a[t].length);
      System.arraycopy(b[t], 0, out[t], a[t].length, b[t].length);
    }
    return out;
  }
}
