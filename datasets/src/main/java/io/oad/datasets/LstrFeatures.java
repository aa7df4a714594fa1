package io.oad.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Reads a data root in the layout of LSTR and its successors (TeSTra, MAT, MiniROAD, CMeRT):
 * several feature folders, each with one {@code <video>.npy} (steps × dim) per video, concatenated
 * per step in the order given (e.g. {@code rgb_kinetics_resnet50} 2048 + {@code
 * flow_kinetics_bninception} 1024), and a target folder ({@code target_perframe}) with one {@code
 * <video>.npy} of one-hot or soft rows (steps × C, background at 0) per video. The video ids come
 * from {@link LstrDataInfo}.
 *
 * <p>Row counts: the feature folders of a video may differ by at most {@link #ROW_TOLERANCE} rows
 * (RGB and flow extracted separately end a few chunks apart); the video is then cut to the shortest
 * folder and the cut is reported in {@link #notes()}. The targets must have as many rows as one of
 * the folders (between the shortest and the longest). Larger differences, a missing file, a width
 * that differs from the first video's, a target width other than the number of classes and NaN or
 * infinite values are refused with an error naming the file.
 */
public final class LstrFeatures {
  /** Rows by which feature folders of one video may differ; the video is cut to the shortest. */
  public static final int ROW_TOLERANCE = 3;

  private final Path root;
  private final List<String> featureFolders;
  private final String targetFolder;
  private final int numClasses;
  private final Map<String, int[]> firstWidth = new HashMap<>(); // folder -> {width}
  private final Map<String, Path> firstFile = new HashMap<>();
  private final List<String> notes = new ArrayList<>();

  /**
   * @param root the data root holding the folders
   * @param featureFolders folder names, concatenated in this order
   * @param targetFolder folder of the per-step targets
   * @param numClasses classes C of the targets (one-hot rows must be C wide)
   */
  public LstrFeatures(Path root, List<String> featureFolders, String targetFolder, int numClasses) {
    if (featureFolders.isEmpty()) {
      throw new IllegalArgumentException("need at least one feature folder");
    }
    if (new LinkedHashSet<>(featureFolders).size() != featureFolders.size()) {
      throw new IllegalArgumentException("a feature folder is listed twice: " + featureFolders);
    }
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("data root " + root + " is not a folder");
    }
    for (String f : featureFolders) {
      if (!Files.isDirectory(root.resolve(f))) {
        throw new IllegalArgumentException("no feature folder " + root.resolve(f));
      }
    }
    if (!Files.isDirectory(root.resolve(targetFolder))) {
      throw new IllegalArgumentException("no target folder " + root.resolve(targetFolder));
    }
    this.root = root;
    this.featureFolders = List.copyOf(featureFolders);
    this.targetFolder = targetFolder;
    this.numClasses = numClasses;
  }

  /** Reads {@code videoIds} in order. */
  public List<LabeledSequence> read(List<String> videoIds) {
    if (videoIds.isEmpty()) {
      throw new IllegalArgumentException("no video to read from " + root);
    }
    List<LabeledSequence> out = new ArrayList<>(videoIds.size());
    for (String id : videoIds) {
      out.add(readVideo(id));
    }
    return out;
  }

  /** One video. */
  public LabeledSequence readVideo(String videoId) {
    List<NpyArray> parts = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    int shortest = Integer.MAX_VALUE;
    int longest = 0;
    Path shortestFile = null;
    Path longestFile = null;
    for (String folder : featureFolders) {
      Path f = file(folder, videoId);
      NpyArray a = Npy.read(f);
      if (a.rank() != 2) {
        throw new IllegalArgumentException(
            f + ": features must be (steps, dim), got " + Arrays.toString(a.shape()));
      }
      NpyFeatures.checkFinite(a, f);
      int[] width = firstWidth.putIfAbsent(folder, new int[] {a.dim(1)});
      if (width == null) {
        firstFile.put(folder, f);
      } else if (width[0] != a.dim(1)) {
        throw new IllegalArgumentException(
            f + " has " + a.dim(1) + " columns but " + firstFile.get(folder) + " has " + width[0]);
      }
      if (a.dim(0) < shortest) {
        shortest = a.dim(0);
        shortestFile = f;
      }
      if (a.dim(0) > longest) {
        longest = a.dim(0);
        longestFile = f;
      }
      parts.add(a);
      files.add(f);
    }
    if (longest - shortest > ROW_TOLERANCE) {
      throw new IllegalArgumentException(
          longestFile
              + " has "
              + longest
              + " rows but "
              + shortestFile
              + " has "
              + shortest
              + " (feature folders of a video may differ by at most "
              + ROW_TOLERANCE
              + ")");
    }
    if (shortest == 0) {
      throw new IllegalArgumentException(shortestFile + " has no rows");
    }
    Path tf = file(targetFolder, videoId);
    NpyArray t = Npy.read(tf);
    NpyFeatures.checkFinite(t, tf);
    if (t.rank() == 2 && t.dim(1) != numClasses) {
      throw new IllegalArgumentException(
          tf + " has " + t.dim(1) + " columns but the data info names " + numClasses + " classes");
    }
    int[] labels = NpyFeatures.targets(t, tf);
    if (labels.length < shortest || labels.length > longest) {
      throw new IllegalArgumentException(
          tf
              + " has "
              + labels.length
              + " rows but "
              + (shortest == longest
                  ? files.get(0) + " has " + shortest
                  : "the features have " + shortest + " to " + longest));
    }
    for (int s = 0; s < labels.length; s++) {
      if (labels[s] >= numClasses) {
        throw new IllegalArgumentException(
            tf + ": step " + s + " has class " + labels[s] + " of " + numClasses);
      }
    }
    if (longest != shortest || labels.length != shortest) {
      StringBuilder n = new StringBuilder(videoId + ":");
      for (int i = 0; i < parts.size(); i++) {
        n.append(' ').append(featureFolders.get(i)).append(' ').append(parts.get(i).dim(0));
      }
      n.append(", ")
          .append(targetFolder)
          .append(' ')
          .append(labels.length)
          .append(" rows; cut to ")
          .append(shortest);
      notes.add(n.toString());
    }
    float[][] features = null;
    for (NpyArray a : parts) {
      float[][] rows = Arrays.copyOf(a.toFloatMatrix(), shortest);
      features = features == null ? rows : NpyFeatures.concat(features, rows);
    }
    return new LabeledSequence(videoId, features, Arrays.copyOf(labels, shortest));
  }

  /** Videos cut to their shortest feature folder so far, one line each. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  private Path file(String folder, String videoId) {
    if (videoId.isBlank()
        || videoId.contains("/")
        || videoId.contains("\\")
        || videoId.startsWith(".")) {
      throw new IllegalArgumentException("video id '" + videoId + "' is not a file name");
    }
    Path f = root.resolve(folder).resolve(videoId + ".npy");
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException("missing " + f + " for video '" + videoId + "'");
    }
    return f;
  }
}
