package io.oad.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes single arrays in numpy's {@code .npy} format (versions 1–3): little-endian
 * float32, float64, int32, int64, uint8 and bool, C order. Fortran-ordered and big-endian files are
 * refused with a message rather than misread.
 */
public final class Npy {
  /** numpy dtype of little-endian float32. */
  public static final String FLOAT32 = "<f4";

  /** numpy dtype of little-endian float64. */
  public static final String FLOAT64 = "<f8";

  /** numpy dtype of little-endian int32. */
  public static final String INT32 = "<i4";

  /** numpy dtype of little-endian int64. */
  public static final String INT64 = "<i8";

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Reads one {@code .npy} file. */
  public static NpyArray read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return parse(bytes, file.toString());
  }

  /**
   * Parses the bytes of a {@code .npy} file.
   *
   * @param source names the data in error messages
   */
  public static NpyArray parse(byte[] bytes, String source) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes.length <= i || bytes[i] != MAGIC[i]) {
        throw new IllegalArgumentException(source + " is not a .npy file (bad magic)");
      }
    }
    int major = bytes[6];
    buf.position(8);
    long headerLength;
    if (major == 1) {
      headerLength = Short.toUnsignedInt(buf.getShort());
    } else if (major == 2 || major == 3) {
      headerLength = Integer.toUnsignedLong(buf.getInt());
    } else {
      throw new IllegalArgumentException(source + ": unsupported .npy version " + major);
    }
    int start = buf.position();
    if (start + headerLength > bytes.length) {
      throw new IllegalArgumentException(source + ": truncated header");
    }
    String header =
        new String(
            bytes,
            start,
            (int) headerLength,
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String dtype = group(DESCR, header, "descr", source);
    if (group(FORTRAN, header, "fortran_order", source).equals("True")) {
      throw new IllegalArgumentException(
          source + ": Fortran-ordered arrays are not supported (save with C order)");
    }
    int[] shape = parseShape(group(SHAPE, header, "shape", source), source);
    long count = 1;
    for (int d : shape) {
      count *= d;
    }
    int width = width(dtype, source);
    long dataStart = start + headerLength;
    if (dataStart + count * width > bytes.length) {
      throw new IllegalArgumentException(
          source + ": expected " + count + " values of " + dtype + " but the file is too short");
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(source + ": too many values (" + count + ")");
    }
    buf.position((int) dataStart);
    double[] values = new double[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] =
          switch (dtype) {
            case FLOAT32 -> buf.getFloat();
            case FLOAT64 -> buf.getDouble();
            case INT32 -> buf.getInt();
            case INT64 -> buf.getLong();
            default -> buf.get() & 0xff; // |u1, |b1
          };
    }
    return new NpyArray(dtype, shape, values);
  }

  /** Writes {@code array} in its own dtype (version 1.0 format). */
  public static void write(Path file, NpyArray array) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(file, encode(array));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The bytes of a version 1.0 {@code .npy} file holding {@code array}. */
  public static byte[] encode(NpyArray array) {
    String dtype = array.dtype();
    int width = width(dtype, "array");
    byte[] header = header(dtype, array.shape());
    double[] values = array.values();
    ByteBuffer buf =
        ByteBuffer.allocate(header.length + values.length * width).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(header);
    for (double v : values) {
      switch (dtype) {
        case FLOAT32 -> buf.putFloat((float) v);
        case FLOAT64 -> buf.putDouble(v);
        case INT32 -> buf.putInt((int) v);
        case INT64 -> buf.putLong((long) v);
        default -> buf.put((byte) v);
      }
    }
    return buf.array();
  }

  /**
   * The magic, version and header dictionary of a version 1.0 {@code .npy} file whose C-order
   * little-endian data follows: lets large arrays be written as a stream.
   */
  public static byte[] header(String dtype, int[] shape) {
    width(dtype, "array");
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    String shapeText =
        shape.length == 1 ? "(" + shape[0] + ",)" : "(" + trimComma(dims.toString()) + ")";
    String dict =
        "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
    // header (magic + version + length + dict + newline) padded with spaces to a multiple of 64
    int unpadded = 10 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String text = dict + " ".repeat(padding) + "\n";
    ByteBuffer buf = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
    buf.put(text.getBytes(StandardCharsets.ISO_8859_1));
    return buf.array();
  }

  /** Bytes per element of a supported dtype. */
  public static int width(String dtype) {
    return width(dtype, "array");
  }

  private static String trimComma(String s) {
    return s.endsWith(", ") ? s.substring(0, s.length() - 2) : s;
  }

  private static int width(String dtype, String source) {
    return switch (dtype) {
      case FLOAT32, INT32 -> 4;
      case FLOAT64, INT64 -> 8;
      case "|u1", "|b1" -> 1;
      default ->
          throw new IllegalArgumentException(
              source
                  + ": unsupported dtype '"
                  + dtype
                  + "' (supported: <f4, <f8, <i4, <i8, |u1, |b1; big-endian is not)");
    };
  }

  private static String group(Pattern p, String header, String key, String source) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IllegalArgumentException(source + ": header lacks '" + key + "': " + header);
    }
    return m.group(1);
  }

  private static int[] parseShape(String text, String source) {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      try {
        dims.add(Integer.parseInt(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(source + ": bad shape (" + text + ")", e);
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }
}
