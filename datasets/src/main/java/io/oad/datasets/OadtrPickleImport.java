package io.oad.datasets;

import io.oad.datasets.pickle.NdArray;
import io.oad.datasets.pickle.NumpyPickle;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Converts the feature and annotation pickles of the official OadTR code ({@code {video: {'rgb':
 * (L, 2048), 'flow': (L, 1024)}}} and {@code {video: {'anno': (L, C)}}}) into files {@code oad
 * train} and {@code oad eval} read, without loading a pickle into memory: the structure is read
 * first ({@link NumpyPickle}), then each video's arrays are streamed from the file into its {@code
 * .npy} files.
 *
 * <ul>
 *   <li>{@link Layout#NPY}: {@code OUT/features/<video>.npy} (the streams concatenated per step,
 *       float32 if they all are, else float64), {@code OUT/targets/<video>.npy} (the annotation as
 *       it is) and {@code OUT/<split>.txt}.
 *   <li>{@link Layout#LSTR}: {@code OUT/<folder>/<video>.npy} per stream, {@code
 *       OUT/target_perframe/<video>.npy} and {@code OUT/data_info.json} with the class names and
 *       the train/test session sets.
 * </ul>
 *
 * Streams of a video may differ by up to {@link LstrFeatures#ROW_TOLERANCE} rows and are then cut
 * to the shortest, as {@link LstrFeatures} reads them; the annotation must have as many rows as one
 * of the streams. Split files and {@code data_info.json} are merged with what {@code OUT} already
 * holds, so train and test pickles can be converted one after the other.
 */
public final class OadtrPickleImport {
  private OadtrPickleImport() {}

  /** Output layout. */
  public enum Layout {
    /** {@code --features/--targets/--split}. */
    NPY,
    /** An LSTR data root. */
    LSTR
  }

  /**
   * What to convert.
   *
   * @param featurePickles feature pickles, paired in order with {@code annotationPickles}
   * @param annotationPickles annotation pickles
   * @param out output folder
   * @param layout output layout
   * @param streams keys of the feature dicts, concatenated in this order (OadTR: rgb, flow)
   * @param folders LSTR folder per stream (same order; ignored for {@link Layout#NPY})
   * @param split the split every converted video goes into, or null to take it from {@code
   *     dataInfo} (train or test session set)
   * @param dataInfo the dataset's session sets and class names, or null
   * @param classNames class names for an LSTR {@code data_info.json} (null for NPY)
   * @param dataset dataset key of the LSTR {@code data_info.json}
   */
  public record Options(
      List<Path> featurePickles,
      List<Path> annotationPickles,
      Path out,
      Layout layout,
      List<String> streams,
      List<String> folders,
      String split,
      LstrDataInfo dataInfo,
      List<String> classNames,
      String dataset) {
    public Options {
      featurePickles = List.copyOf(featurePickles);
      annotationPickles = List.copyOf(annotationPickles);
      streams = List.copyOf(streams);
      folders = List.copyOf(folders);
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(layout, "layout");
      if (featurePickles.isEmpty() || featurePickles.size() != annotationPickles.size()) {
        throw new IllegalArgumentException(
            "give as many feature pickles as annotation pickles (got "
                + featurePickles.size()
                + " and "
                + annotationPickles.size()
                + ")");
      }
      if (streams.isEmpty() || new LinkedHashSet<>(streams).size() != streams.size()) {
        throw new IllegalArgumentException("streams must be distinct and non-empty: " + streams);
      }
      if (layout == Layout.LSTR && folders.size() != streams.size()) {
        throw new IllegalArgumentException(
            "one LSTR folder per stream: " + folders + " for " + streams);
      }
      if (split == null && dataInfo == null) {
        throw new IllegalArgumentException(
            "give a split name or a data info file to put the videos in splits");
      }
      if (layout == Layout.LSTR
          && split != null
          && !split.equals("train")
          && !split.equals("test")) {
        throw new IllegalArgumentException(
            "an LSTR data_info.json has train and test session sets only, not '" + split + "'");
      }
      if (layout == Layout.LSTR && (classNames == null || classNames.size() < 2)) {
        throw new IllegalArgumentException("an LSTR data_info.json needs the class names");
      }
      if (classNames != null) {
        classNames = List.copyOf(classNames);
      }
    }
  }

  /**
   * What was written.
   *
   * @param splits video ids per split name, in pickle order
   * @param unlisted videos converted but in no session set of the data info
   * @param skipped videos with features but without annotations (not converted)
   * @param notes videos cut to their shortest stream
   * @param dims width of each stream
   * @param classes width of the annotations
   * @param bytes bytes of array data written
   */
  public record Summary(
      Map<String, List<String>> splits,
      List<String> unlisted,
      List<String> skipped,
      List<String> notes,
      Map<String, Integer> dims,
      int classes,
      long bytes) {}

  /** Converts; {@code progress} gets a line per converted video. */
  public static Summary run(Options o, Consumer<String> progress) {
    Map<String, List<String>> splits = new LinkedHashMap<>();
    List<String> unlisted = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Integer> dims = new LinkedHashMap<>();
    int[] classes = {-1};
    long bytes = 0;
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    for (int p = 0; p < o.featurePickles().size(); p++) {
      Path fp = o.featurePickles().get(p);
      Path ap = o.annotationPickles().get(p);
      try (NumpyPickle features = NumpyPickle.open(fp);
          NumpyPickle annotations = NumpyPickle.open(ap)) {
        Map<?, ?> fRoot = dict(features.load(), fp, "the pickle");
        Map<?, ?> aRoot = dict(annotations.load(), ap, "the pickle");
        for (Object key : fRoot.keySet()) {
          if (!aRoot.containsKey(key)) {
            skipped.add(String.valueOf(key));
          }
        }
        for (Map.Entry<?, ?> e : aRoot.entrySet()) {
          if (!(e.getKey() instanceof String video) || video.isBlank()) {
            throw new IllegalArgumentException(ap + ": video key " + e.getKey() + " is not a name");
          }
          if (video.contains("/") || video.contains("\\") || video.startsWith(".")) {
            throw new IllegalArgumentException(
                ap + ": video name '" + video + "' is not a file name");
          }
          if (!seen.add(video)) {
            throw new IllegalArgumentException(
                ap + ": video '" + video + "' was converted already");
          }
          NdArray anno = annotation(e.getValue(), ap, video);
          Object entry = fRoot.get(video);
          if (entry == null) {
            throw new IllegalArgumentException(
                fp + " has no features of video '" + video + "' that " + ap + " annotates");
          }
          Map<?, ?> fEntry = dict(entry, fp, "video '" + video + "'");
          List<NdArray> parts = new ArrayList<>();
          int shortest = Integer.MAX_VALUE;
          int longest = 0;
          for (String s : o.streams()) {
            if (!(fEntry.get(s) instanceof NdArray a)) {
              throw new IllegalArgumentException(
                  fp
                      + ": video '"
                      + video
                      + "' has no array '"
                      + s
                      + "' (keys "
                      + fEntry.keySet()
                      + ")");
            }
            if (a.rank() != 2) {
              throw new IllegalArgumentException(
                  fp + ": " + video + "/" + s + " is " + a + ", not (steps, dim)");
            }
            Integer d = dims.putIfAbsent(s, a.dim(1));
            if (d != null && d != a.dim(1)) {
              throw new IllegalArgumentException(
                  fp
                      + ": "
                      + video
                      + "/"
                      + s
                      + " has "
                      + a.dim(1)
                      + " columns, earlier videos "
                      + d);
            }
            shortest = Math.min(shortest, a.dim(0));
            longest = Math.max(longest, a.dim(0));
            parts.add(a);
          }
          if (longest - shortest > LstrFeatures.ROW_TOLERANCE) {
            throw new IllegalArgumentException(
                fp
                    + ": video '"
                    + video
                    + "' has streams of "
                    + shortest
                    + " and "
                    + longest
                    + " rows (they may differ by at most "
                    + LstrFeatures.ROW_TOLERANCE
                    + ")");
          }
          if (shortest == 0) {
            throw new IllegalArgumentException(fp + ": video '" + video + "' has no rows");
          }
          if (anno.rank() != 2) {
            throw new IllegalArgumentException(
                ap + ": annotation of '" + video + "' is " + anno + ", not (steps, classes)");
          }
          if (classes[0] < 0) {
            classes[0] = anno.dim(1);
          } else if (classes[0] != anno.dim(1)) {
            throw new IllegalArgumentException(
                ap
                    + ": annotation of '"
                    + video
                    + "' has "
                    + anno.dim(1)
                    + " columns, earlier "
                    + classes[0]);
          }
          if (o.classNames() != null && o.classNames().size() != anno.dim(1)) {
            throw new IllegalArgumentException(
                ap
                    + ": annotation of '"
                    + video
                    + "' has "
                    + anno.dim(1)
                    + " columns but there are "
                    + o.classNames().size()
                    + " class names");
          }
          if (anno.dim(0) < shortest || anno.dim(0) > longest) {
            throw new IllegalArgumentException(
                ap
                    + ": annotation of '"
                    + video
                    + "' has "
                    + anno.dim(0)
                    + " rows but its features "
                    + (shortest == longest
                        ? "have " + shortest
                        : "have " + shortest + " to " + longest)
                    + " ("
                    + fp
                    + ")");
          }
          if (longest != shortest || anno.dim(0) != shortest) {
            notes.add(
                video
                    + ": streams "
                    + shortest
                    + " to "
                    + longest
                    + " rows, annotation "
                    + anno.dim(0)
                    + "; cut to "
                    + shortest);
          }
          String where = fp + " video '" + video + "'";
          if (o.layout() == Layout.NPY) {
            bytes +=
                writeConcatenated(
                    features,
                    parts,
                    shortest,
                    o.out().resolve("features").resolve(video + ".npy"),
                    where);
          } else {
            for (int i = 0; i < parts.size(); i++) {
              bytes +=
                  writeRows(
                      features,
                      parts.get(i),
                      shortest,
                      o.out().resolve(o.folders().get(i)).resolve(video + ".npy"),
                      where);
            }
          }
          String targets = o.layout() == Layout.NPY ? "targets" : "target_perframe";
          bytes +=
              writeRows(
                  annotations,
                  anno,
                  shortest,
                  o.out().resolve(targets).resolve(video + ".npy"),
                  ap + " video '" + video + "'");
          String split = o.split();
          if (split == null) {
            split = o.dataInfo().splitOf(video).orElse(null);
          }
          if (split == null) {
            unlisted.add(video);
          } else {
            splits.computeIfAbsent(split, k -> new ArrayList<>()).add(video);
          }
          progress.accept(
              video + " (" + shortest + " steps)" + (split == null ? "" : " -> " + split));
        }
      }
    }
    writeSplits(o, splits);
    return new Summary(splits, unlisted, skipped, notes, dims, classes[0], bytes);
  }

  private static void writeSplits(Options o, Map<String, List<String>> splits) {
    if (o.layout() == Layout.LSTR) {
      LstrDataInfo.merge(
          o.out().resolve("data_info.json"),
          o.dataset(),
          o.classNames(),
          splits.getOrDefault("train", List.of()),
          splits.getOrDefault("test", List.of()));
      return;
    }
    for (Map.Entry<String, List<String>> e : splits.entrySet()) {
      Path f = o.out().resolve(e.getKey() + ".txt");
      try {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        if (Files.isRegularFile(f)) {
          ids.addAll(NpyFeatures.readSplit(f));
        }
        ids.addAll(e.getValue());
        Files.createDirectories(o.out());
        Files.write(f, ids);
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot write " + f, ex);
      }
    }
  }

  private static Map<?, ?> dict(Object o, Path file, String what) {
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    throw new IllegalArgumentException(
        file
            + ": "
            + what
            + " is "
            + (o == null ? "None" : o.getClass().getSimpleName())
            + ", expected a dict");
  }

  private static NdArray annotation(Object value, Path file, String video) {
    if (value instanceof NdArray a) {
      return a;
    }
    if (value instanceof Map<?, ?> m && m.get("anno") instanceof NdArray a) {
      return a;
    }
    throw new IllegalArgumentException(file + ": video '" + video + "' has no array under 'anno'");
  }

  /** Writes the first {@code rows} rows of {@code a} in its own dtype; returns data bytes. */
  private static long writeRows(NumpyPickle from, NdArray a, int rows, Path file, String where) {
    String descr = a.descr();
    int rowBytes = a.dim(1) * Npy.width(descr);
    try (InputStream in = from.open(a);
        OutputStream out = output(file, descr, new int[] {rows, a.dim(1)})) {
      byte[] row = new byte[rowBytes];
      ByteBuffer bb = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
      for (int t = 0; t < rows; t++) {
        readRow(in, row, where);
        checkFinite(bb, descr, t, 0, where);
        out.write(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return (long) rows * rowBytes;
  }

  /** Writes the streams side by side, row by row; returns data bytes. */
  private static long writeConcatenated(
      NumpyPickle from, List<NdArray> parts, int rows, Path file, String where) {
    boolean same = parts.stream().allMatch(a -> a.descr().equals(parts.get(0).descr()));
    String descr = same ? parts.get(0).descr() : Npy.FLOAT64;
    int cols = parts.stream().mapToInt(a -> a.dim(1)).sum();
    int outWidth = Npy.width(descr);
    List<InputStream> ins = new ArrayList<>();
    try (OutputStream out = output(file, descr, new int[] {rows, cols})) {
      byte[][] rowsIn = new byte[parts.size()][];
      ByteBuffer[] bbs = new ByteBuffer[parts.size()];
      for (int i = 0; i < parts.size(); i++) {
        ins.add(from.open(parts.get(i)));
        rowsIn[i] = new byte[parts.get(i).dim(1) * Npy.width(parts.get(i).descr())];
        bbs[i] = ByteBuffer.wrap(rowsIn[i]).order(ByteOrder.LITTLE_ENDIAN);
      }
      byte[] converted = new byte[cols * outWidth];
      ByteBuffer cb = ByteBuffer.wrap(converted).order(ByteOrder.LITTLE_ENDIAN);
      for (int t = 0; t < rows; t++) {
        int col = 0;
        for (int i = 0; i < parts.size(); i++) {
          NdArray a = parts.get(i);
          readRow(ins.get(i), rowsIn[i], where + " " + a);
          checkFinite(bbs[i], a.descr(), t, col, where);
          if (same) {
            out.write(rowsIn[i]);
          } else {
            int w = Npy.width(a.descr());
            for (int c = 0; c < a.dim(1); c++) {
              cb.putDouble((col + c) * outWidth, NumpyPickle.decode(bbs[i], a.descr(), c * w));
            }
          }
          col += a.dim(1);
        }
        if (!same) {
          out.write(converted);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } finally {
      for (InputStream in : ins) {
        try {
          in.close();
        } catch (IOException ignored) {
          // reading is over; the output was written or its error reported
        }
      }
    }
    return (long) rows * cols * outWidth;
  }

  private static OutputStream output(Path file, String descr, int[] shape) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    out.write(Npy.header(descr, shape));
    return out;
  }

  private static void readRow(InputStream in, byte[] row, String where) throws IOException {
    if (in.readNBytes(row, 0, row.length) != row.length) {
      throw new IllegalArgumentException(where + ": array data ends early");
    }
  }

  private static void checkFinite(ByteBuffer bb, String descr, int step, int col0, String where) {
    if (!descr.equals(Npy.FLOAT32) && !descr.equals(Npy.FLOAT64)) {
      return;
    }
    int w = Npy.width(descr);
    int n = bb.capacity() / w;
    for (int c = 0; c < n; c++) {
      double v = NumpyPickle.decode(bb, descr, c * w);
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(
            where + ": " + v + " at step " + step + ", column " + (col0 + c));
      }
    }
  }
}
