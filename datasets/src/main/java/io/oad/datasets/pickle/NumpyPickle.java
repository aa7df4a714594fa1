package io.oad.datasets.pickle;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safe reader of Python pickles (protocols 2 to 5) that hold dicts, lists, tuples, strings,
 * numbers and numpy arrays, such as the feature and annotation files of the official OadTR code.
 *
 * <p>A pickle is a program for a stack machine that may call any Python callable it names; this
 * reader runs none. It knows a fixed set of opcodes and exactly these globals, each interpreted in
 * Java: {@code numpy.core.multiarray._reconstruct} (also under numpy 2's {@code numpy._core}),
 * {@code numpy.ndarray}, {@code numpy.dtype}, {@code numpy.core.numeric._frombuffer} (protocol 5)
 * and {@code _codecs.encode} with latin-1 and {@code bytes()} (how protocol 2 stores bytes). Any
 * other global, and any opcode that builds arbitrary objects ({@code INST}, {@code OBJ}, {@code
 * NEWOBJ}, extension codes, persistent ids), is refused with an error naming the file and byte
 * offset before anything else happens.
 *
 * <p>Large files are not loaded: strings and bytes longer than {@link #HELD_LIMIT} stay in the file
 * as regions, so {@link #load()} reads the structure with little memory and {@link #open(NdArray)}
 * later streams one array's bytes. Python objects map to: dict → {@link LinkedHashMap}, list →
 * {@link ArrayList}, tuple → unmodifiable {@link List}, str → {@link String}, int → {@link Long},
 * float → {@link Double}, bool → {@link Boolean}, None → null, numpy array → {@link NdArray}.
 */
public final class NumpyPickle implements Closeable {
  /** Strings and bytes up to this length are held in memory; longer ones stay in the file. */
  public static final int HELD_LIMIT = 1 << 16;

  private static final Object MARK = new Object();

  private enum Global {
    RECONSTRUCT,
    NDARRAY,
    DTYPE,
    FROMBUFFER,
    CODECS_ENCODE,
    BYTES
  }

  private static final Map<String, Global> GLOBALS =
      Map.of(
          "numpy.core.multiarray._reconstruct", Global.RECONSTRUCT,
          "numpy._core.multiarray._reconstruct", Global.RECONSTRUCT,
          "numpy.ndarray", Global.NDARRAY,
          "numpy.dtype", Global.DTYPE,
          "numpy.core.numeric._frombuffer", Global.FROMBUFFER,
          "numpy._core.numeric._frombuffer", Global.FROMBUFFER,
          "_codecs.encode", Global.CODECS_ENCODE,
          "__builtin__.bytes", Global.BYTES,
          "builtins.bytes", Global.BYTES);

  /** A numpy dtype being built: its kind code (f4, i8, ...) and byte order. */
  private static final class Dtype {
    final String kind;
    String order = "|";

    Dtype(String kind) {
      this.kind = kind;
    }
  }

  private final Path file;
  private final FileChannel channel;
  private final long fileSize;
  private final byte[] buf = new byte[1 << 16];
  private long bufStart; // file offset of buf[0]
  private int pos;
  private int lim;
  private long opStart;

  private NumpyPickle(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.fileSize = channel.size();
  }

  /** Opens {@code file}; {@link #load()} reads it, {@link #open(NdArray)} streams its arrays. */
  public static NumpyPickle open(Path file) {
    try {
      return new NumpyPickle(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The file this reads. */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }

  // ---- input ----

  private long position() {
    return bufStart + pos;
  }

  private PickleException error(String what) {
    return new PickleException(file + " at byte " + opStart + ": " + what);
  }

  private boolean fill() throws IOException {
    bufStart += pos;
    int keep = lim - pos;
    System.arraycopy(buf, pos, buf, 0, keep);
    pos = 0;
    lim = keep;
    ByteBuffer bb = ByteBuffer.wrap(buf, lim, buf.length - lim);
    int n = channel.read(bb, bufStart + lim);
    if (n <= 0) {
      return false;
    }
    lim += n;
    return true;
  }

  private int u8() throws IOException {
    if (pos == lim && !fill()) {
      throw error("the pickle ends without STOP (truncated file?)");
    }
    return buf[pos++] & 0xff;
  }

  private byte[] bytes(int n) throws IOException {
    byte[] out = new byte[n];
    int done = 0;
    while (done < n) {
      if (pos == lim && !fill()) {
        throw error("the pickle ends inside a value (truncated file?)");
      }
      int k = Math.min(n - done, lim - pos);
      System.arraycopy(buf, pos, out, done, k);
      pos += k;
      done += k;
    }
    return out;
  }

  private long le(int n) throws IOException {
    byte[] b = bytes(n);
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  private void skip(long n) {
    long target = position() + n;
    if (n <= lim - pos) {
      pos += (int) n;
    } else {
      bufStart = target;
      pos = 0;
      lim = 0;
    }
  }

  private long length(long n) {
    if (n < 0 || n > fileSize - position()) {
      throw error("a value of " + n + " bytes runs past the end of the file (truncated file?)");
    }
    return n;
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = u8(); c != '\n'; c = u8()) {
      if (sb.length() > 256) {
        throw error("GLOBAL name too long");
      }
      sb.append((char) c);
    }
    return sb.toString();
  }

  /** Text of {@code n} UTF-8 bytes: held, or left in the file when long. */
  private Object text(long n) throws IOException {
    length(n);
    if (n <= HELD_LIMIT) {
      return new String(bytes((int) n), StandardCharsets.UTF_8);
    }
    LazyText t = new LazyText(position(), n);
    skip(n);
    return t;
  }

  private Blob blob(long n) throws IOException {
    length(n);
    if (n <= HELD_LIMIT) {
      return Blob.of(bytes((int) n));
    }
    Blob b = new Blob(null, position(), n, false);
    skip(n);
    return b;
  }

  // ---- the machine ----

  /**
   * Runs the pickle and returns its object.
   *
   * @throws PickleException naming the file and byte offset for anything refused or malformed
   */
  public Object load() {
    bufStart = 0;
    pos = 0;
    lim = 0;
    List<Object> stack = new ArrayList<>();
    List<Integer> marks = new ArrayList<>();
    Map<Long, Object> memo = new HashMap<>();
    try {
      while (true) {
        opStart = position();
        int op = u8();
        if (opStart == 0 && op != 0x80) {
          throw error("not a pickle of protocol 2 to 5 (it does not start with PROTO)");
        }
        switch (op) {
          case 0x80 -> { // PROTO
            int p = u8();
            if (p < 2 || p > 5) {
              throw error("pickle protocol " + p + " is not supported (2 to 5 are)");
            }
          }
          case 0x95 -> le(8); // FRAME: a length hint; the frame's opcodes follow inline
          case '.' -> { // STOP
            if (stack.size() != 1 || !marks.isEmpty()) {
              throw error("STOP with " + stack.size() + " objects on the stack");
            }
            return stack.get(0);
          }
          case '(' -> { // MARK
            marks.add(stack.size());
            stack.add(MARK);
          }
          case 'N' -> stack.add(null);
          case 0x88 -> stack.add(Boolean.TRUE);
          case 0x89 -> stack.add(Boolean.FALSE);
          case 'K' -> stack.add((long) u8());
          case 'M' -> stack.add(le(2));
          case 'J' -> stack.add((long) (int) le(4));
          case 0x8a -> stack.add(long1(u8()));
          case 'G' -> stack.add(ByteBuffer.wrap(bytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble());
          case 'X' -> stack.add(text(le(4)));
          case 0x8c -> stack.add(text(u8()));
          case 0x8d -> stack.add(text(le(8)));
          case 'B' -> stack.add(blob(le(4)));
          case 'C' -> stack.add(blob(u8()));
          case 0x8e, 0x96 -> stack.add(blob(le(8))); // BINBYTES8, BYTEARRAY8
          case 'U' -> stack.add(blob(u8())); // SHORT_BINSTRING (Python 2 str)
          case 'T' -> stack.add(blob((int) le(4))); // BINSTRING
          case ')' -> stack.add(Collections.unmodifiableList(new ArrayList<>()));
          case 't' -> stack.add(Collections.unmodifiableList(popToMark(stack, marks)));
          case 0x85, 0x86, 0x87 -> {
            int n = op - 0x84;
            need(stack, marks, n);
            List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
            truncate(stack, stack.size() - n);
            stack.add(Collections.unmodifiableList(items));
          }
          case ']' -> stack.add(new ArrayList<>());
          case 'l' -> stack.add(popToMark(stack, marks));
          case 'a' -> {
            need(stack, marks, 2);
            Object v = pop(stack);
            list(stack.get(stack.size() - 1)).add(v);
          }
          case 'e' -> {
            List<Object> items = popToMark(stack, marks);
            need(stack, marks, 1);
            list(stack.get(stack.size() - 1)).addAll(items);
          }
          case '}' -> stack.add(new LinkedHashMap<>());
          case 'd' -> {
            Map<Object, Object> d = new LinkedHashMap<>();
            putAll(d, popToMark(stack, marks));
            stack.add(d);
          }
          case 's' -> {
            need(stack, marks, 3);
            Object v = pop(stack);
            Object k = pop(stack);
            putAll(dict(stack.get(stack.size() - 1)), Arrays.asList(k, v));
          }
          case 'u' -> {
            List<Object> items = popToMark(stack, marks);
            need(stack, marks, 1);
            putAll(dict(stack.get(stack.size() - 1)), items);
          }
          case '0' -> { // POP
            need(stack, marks, 1);
            pop(stack);
          }
          case '1' -> popToMark(stack, marks); // POP_MARK
          case '2' -> { // DUP
            need(stack, marks, 1);
            stack.add(stack.get(stack.size() - 1));
          }
          case 'q' -> put(memo, u8(), stack, marks);
          case 'r' -> put(memo, le(4), stack, marks);
          case 0x94 -> put(memo, memo.size(), stack, marks); // MEMOIZE
          case 'h' -> stack.add(get(memo, u8()));
          case 'j' -> stack.add(get(memo, le(4)));
          case 'c' -> stack.add(global(line() + "." + line()));
          case 0x93 -> { // STACK_GLOBAL
            need(stack, marks, 2);
            Object name = pop(stack);
            Object module = pop(stack);
            stack.add(global(string(module) + "." + string(name)));
          }
          case 'R' -> {
            need(stack, marks, 2);
            Object args = pop(stack);
            Object callable = pop(stack);
            stack.add(reduce(callable, args));
          }
          case 'b' -> {
            need(stack, marks, 2);
            Object state = pop(stack);
            build(stack.get(stack.size() - 1), state);
          }
          default ->
              throw error(
                  String.format(
                      "opcode 0x%02x%s is not supported (this reader takes dicts, lists, tuples,"
                          + " strings, numbers and numpy arrays only)",
                      op, op >= 0x20 && op < 0x7f ? " '" + (char) op + "'" : ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private long long1(int n) throws IOException {
    if (n > 8) {
      throw error("an integer of " + n + " bytes is out of range");
    }
    if (n == 0) {
      return 0;
    }
    byte[] b = bytes(n);
    long v = b[n - 1]; // sign-extended top byte
    for (int i = n - 2; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  private void need(List<Object> stack, List<Integer> marks, int n) {
    int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1) + 1;
    if (stack.size() - floor < n) {
      throw error("stack underflow");
    }
  }

  private static Object pop(List<Object> stack) {
    return stack.remove(stack.size() - 1);
  }

  private static void truncate(List<Object> stack, int size) {
    stack.subList(size, stack.size()).clear();
  }

  private List<Object> popToMark(List<Object> stack, List<Integer> marks) {
    if (marks.isEmpty()) {
      throw error("no MARK on the stack");
    }
    int m = marks.remove(marks.size() - 1);
    List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
    truncate(stack, m);
    return items;
  }

  private void put(Map<Long, Object> memo, long index, List<Object> stack, List<Integer> marks) {
    need(stack, marks, 1);
    memo.put(index, stack.get(stack.size() - 1));
  }

  private Object get(Map<Long, Object> memo, long index) {
    if (!memo.containsKey(index)) {
      throw error("memo entry " + index + " was never stored");
    }
    return memo.get(index);
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o) {
    if (o instanceof ArrayList<?> l) {
      return (List<Object>) l;
    }
    throw error("APPEND to " + describe(o) + ", not a list");
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object o) {
    if (o instanceof LinkedHashMap<?, ?> m) {
      return (Map<Object, Object>) m;
    }
    throw error("SETITEM on " + describe(o) + ", not a dict");
  }

  private void putAll(Map<Object, Object> d, List<Object> items) {
    if (items.size() % 2 != 0) {
      throw error("a dict needs key, value pairs; got " + items.size() + " items");
    }
    for (int i = 0; i < items.size(); i += 2) {
      Object k = items.get(i);
      if (k instanceof Blob b && b.held() != null) {
        k = new String(b.held(), StandardCharsets.ISO_8859_1); // a Python 2 str key
      }
      if (!(k == null
          || k instanceof String
          || k instanceof Long
          || k instanceof Boolean
          || k instanceof Double
          || (k instanceof List<?> && !(k instanceof ArrayList<?>)))) {
        throw error("a dict key of type " + describe(k));
      }
      d.put(k, items.get(i + 1));
    }
  }

  private Global global(String name) {
    Global g = GLOBALS.get(name);
    if (g == null) {
      throw error(
          "global '"
              + name
              + "' is not allowed: this reader only rebuilds numpy arrays and never calls what a"
              + " pickle names");
    }
    return g;
  }

  private String string(Object o) {
    if (o instanceof String s) {
      return s;
    }
    if (o instanceof Blob b && b.held() != null) {
      return new String(b.held(), StandardCharsets.ISO_8859_1);
    }
    throw error("expected a string, got " + describe(o));
  }

  private static String describe(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof Global g) {
      return "global " + g.name().toLowerCase(java.util.Locale.ROOT);
    }
    if (o instanceof Blob || o instanceof LazyText) {
      return "bytes";
    }
    if (o instanceof Dtype) {
      return "numpy dtype";
    }
    return o instanceof List<?> && !(o instanceof ArrayList<?>)
        ? "tuple"
        : o.getClass().getSimpleName();
  }

  private List<?> tuple(Object o, int min, String what) {
    if (o instanceof List<?> l && !(o instanceof ArrayList<?>) && l.size() >= min) {
      return l;
    }
    throw error(what + " must be a tuple of at least " + min + " items, got " + describe(o));
  }

  private Object reduce(Object callable, Object argsObject) {
    if (!(callable instanceof Global g)) {
      throw error("REDUCE calls " + describe(callable) + ", which is not an allowed global");
    }
    List<?> args = tuple(argsObject, 0, "arguments");
    switch (g) {
      case RECONSTRUCT -> {
        // _reconstruct(ndarray, (0,), b'b'): an empty array whose state BUILD sets
        if (args.size() != 3 || args.get(0) != Global.NDARRAY) {
          throw error("_reconstruct of something other than numpy.ndarray");
        }
        return new NdArray();
      }
      case DTYPE -> {
        if (args.isEmpty()) {
          throw error("numpy.dtype without arguments");
        }
        return new Dtype(string(args.get(0)));
      }
      case CODECS_ENCODE -> {
        if (args.size() != 2) {
          throw error("_codecs.encode needs (text, encoding)");
        }
        String enc = string(args.get(1)).toLowerCase(java.util.Locale.ROOT);
        if (!enc.equals("latin1") && !enc.equals("latin-1") && !enc.equals("iso-8859-1")) {
          throw error("_codecs.encode with encoding '" + enc + "' (only latin1 is read)");
        }
        Object t = args.get(0);
        if (t instanceof LazyText lt) {
          return new Blob(null, lt.offset(), lt.length(), true);
        }
        String s = string(t);
        byte[] out = new byte[s.length()];
        for (int i = 0; i < out.length; i++) {
          char c = s.charAt(i);
          if (c > 0xff) {
            throw error("_codecs.encode: text is not latin-1");
          }
          out[i] = (byte) c;
        }
        return Blob.of(out);
      }
      case BYTES -> {
        // protocol 2 writes b'' as bytes()
        if (!args.isEmpty()) {
          throw error("bytes() with arguments");
        }
        return Blob.of(new byte[0]);
      }
      case FROMBUFFER -> {
        // _frombuffer(buffer, dtype, shape, order): protocol 5's in-band arrays
        if (args.size() != 4 || !(args.get(0) instanceof Blob b)) {
          throw error("_frombuffer needs (bytes, dtype, shape, order)");
        }
        Dtype d = dtype(args.get(1));
        int[] shape = shape(args.get(2));
        boolean fortran = "F".equals(string(args.get(3)));
        return array(d, shape, fortran, b);
      }
      default -> throw error("global " + describe(g) + " is not callable");
    }
  }

  private void build(Object target, Object state) {
    if (target instanceof Dtype d) {
      // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
      List<?> s = tuple(state, 2, "dtype state");
      d.order = string(s.get(1));
      if (s.size() > 3 && s.get(3) != null) {
        throw error("structured dtype (with fields) is not supported");
      }
      if (s.size() > 2 && s.get(2) != null) {
        throw error("sub-array dtype is not supported");
      }
      return;
    }
    if (target instanceof NdArray a && !a.isBuilt()) {
      // (version, shape, dtype, is_fortran, data) or, older, without the version
      List<?> s = tuple(state, 4, "array state");
      int o = s.size() == 5 ? 1 : 0;
      Dtype d = dtype(s.get(o + 1));
      if (!(s.get(o + 3) instanceof Blob data)) {
        throw error("array data is " + describe(s.get(o + 3)) + ", not bytes (object arrays?)");
      }
      NdArray built = array(d, shape(s.get(o)), Boolean.TRUE.equals(s.get(o + 2)), data);
      a.set(built.descr(), built.shape(), built.data());
      return;
    }
    throw error("BUILD on " + describe(target) + " (only numpy arrays and dtypes are built)");
  }

  private Dtype dtype(Object o) {
    if (o instanceof Dtype d) {
      return d;
    }
    throw error("expected a numpy dtype, got " + describe(o));
  }

  private int[] shape(Object o) {
    List<?> s = tuple(o, 0, "shape");
    int[] shape = new int[s.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(s.get(i) instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
        throw error("bad shape " + s);
      }
      shape[i] = (int) (long) v;
    }
    return shape;
  }

  private NdArray array(Dtype d, int[] shape, boolean fortran, Blob data) {
    String descr =
        switch (d.kind) {
          case "f4", "f8", "i4", "i8" -> {
            if (d.order.equals(">")) {
              throw error("big-endian dtype >" + d.kind + " is not supported");
            }
            yield "<" + d.kind; // '<', or '=' (native order of the writer, little on x86/ARM)
          }
          case "u1", "b1" -> "|" + d.kind;
          default ->
              throw error(
                  "dtype '"
                      + d.kind
                      + "' is not supported (float32/64, int32/64, uint8 and bool are)");
        };
    if (fortran && shape.length > 1) {
      throw error("Fortran-ordered array " + Arrays.toString(shape) + " is not supported");
    }
    long bytes;
    try {
      long n = 1;
      for (int v : shape) {
        n = Math.multiplyExact(n, v);
      }
      bytes = Math.multiplyExact(n, Integer.parseInt(d.kind.substring(1)));
    } catch (ArithmeticException e) {
      throw error("array shape " + Arrays.toString(shape) + " is too large");
    }
    // protocol 2 text: each byte is one or two UTF-8 bytes
    boolean fits =
        data.latin1Text()
            ? bytes <= data.length() && data.length() <= 2 * bytes
            : data.length() == bytes;
    if (!fits) {
      throw error(
          "array "
              + Arrays.toString(shape)
              + " of "
              + descr
              + " needs "
              + bytes
              + " bytes, its data has "
              + data.length());
    }
    return new NdArray(descr, shape, data);
  }

  // ---- array data ----

  /**
   * The C-order little-endian bytes of {@code array} (exactly {@code size × width} of them),
   * streamed from the file.
   */
  public InputStream open(NdArray array) {
    Blob b = array.data();
    long expected = array.size() * io.oad.datasets.Npy.width(array.descr());
    InputStream raw =
        b.held() != null
            ? new java.io.ByteArrayInputStream(b.held())
            : new RegionStream(channel, b.offset(), b.length());
    return b.latin1Text() ? new Latin1Stream(raw, expected) : raw;
  }

  /** The whole array as doubles (for small arrays and tests). */
  public double[] values(NdArray array) {
    long n = array.size();
    if (n > Integer.MAX_VALUE - 8) {
      throw new PickleException(file + ": array of " + n + " values is too large to hold");
    }
    String descr = array.descr();
    int width = io.oad.datasets.Npy.width(descr);
    double[] out = new double[(int) n];
    try (InputStream in = open(array)) {
      byte[] row = new byte[width];
      ByteBuffer bb = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < out.length; i++) {
        if (in.readNBytes(row, 0, width) != width) {
          throw new PickleException(file + ": array data ends early");
        }
        out[i] = decode(bb, descr, 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }

  /** Element at byte {@code at} of {@code bb} in dtype {@code descr}. */
  public static double decode(ByteBuffer bb, String descr, int at) {
    return switch (descr) {
      case "<f4" -> bb.getFloat(at);
      case "<f8" -> bb.getDouble(at);
      case "<i4" -> bb.getInt(at);
      case "<i8" -> bb.getLong(at);
      default -> bb.get(at) & 0xff;
    };
  }

  /** Bytes of a file region, read with positional reads (independent of the parser). */
  private final class RegionStream extends InputStream {
    private final FileChannel ch;
    private long at;
    private final long end;

    RegionStream(FileChannel ch, long offset, long length) {
      this.ch = ch;
      this.at = offset;
      this.end = offset + length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (at >= end) {
        return -1;
      }
      int n = (int) Math.min(len, end - at);
      int got = ch.read(ByteBuffer.wrap(b, off, n), at);
      if (got <= 0) {
        throw new PickleException(file + ": file ends inside array data at byte " + at);
      }
      at += got;
      return got;
    }
  }

  /** Decodes UTF-8 text whose code points are bytes (protocol 2's form of bytes), in chunks. */
  private final class Latin1Stream extends InputStream {
    private final InputStream in;
    private final byte[] raw = new byte[1 << 16];
    private int rp;
    private int rl;
    private long left;

    Latin1Stream(InputStream in, long expected) {
      this.in = in;
      this.left = expected;
    }

    /** Makes at least {@code need} raw bytes available; false at the end of the text. */
    private boolean available(int need) throws IOException {
      while (rl - rp < need) {
        System.arraycopy(raw, rp, raw, 0, rl - rp);
        rl -= rp;
        rp = 0;
        int n = in.read(raw, rl, raw.length - rl);
        if (n < 0) {
          return false;
        }
        rl += n;
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (left == 0) {
        if (available(1)) {
          throw new PickleException(file + ": array data is longer than its shape");
        }
        return -1;
      }
      int n = 0;
      while (n < len && left > 0) {
        // fast path, on locals: the buffer holds both bytes of any character
        int end = rl - 1;
        int r = rp;
        int o = off + n;
        int stop = off + (int) Math.min(len, n + left);
        byte[] src = raw;
        while (o < stop && r < end) {
          int c = src[r];
          if (c >= 0) {
            b[o++] = (byte) c;
            r++;
          } else {
            int c2 = src[r + 1];
            if ((c & 0xfe) != 0xc2 || (c2 & 0xc0) != 0x80) {
              throw new PickleException(file + ": array data is not latin-1 text");
            }
            b[o++] = (byte) (((c & 0x1f) << 6) | (c2 & 0x3f));
            r += 2;
          }
        }
        left -= o - (off + n);
        n = o - off;
        rp = r;
        if (n == len || left == 0) {
          break;
        }
        if (!available(1)) {
          throw new PickleException(file + ": array data is " + left + " bytes short");
        }
        int c = raw[rp] & 0xff;
        if (c < 0x80) {
          b[off + n++] = (byte) c;
          rp++;
        } else {
          if (!available(2)) {
            throw new PickleException(file + ": array data ends inside a character");
          }
          int c2 = raw[rp + 1] & 0xff;
          if ((c != 0xc2 && c != 0xc3) || (c2 & 0xc0) != 0x80) {
            throw new PickleException(file + ": array data is not latin-1 text");
          }
          b[off + n++] = (byte) (((c & 0x1f) << 6) | (c2 & 0x3f));
          rp += 2;
        }
        left--;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
