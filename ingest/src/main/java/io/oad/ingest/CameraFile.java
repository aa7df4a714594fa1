package io.oad.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads a camera file: one camera per id, in properties syntax, every key naming the camera.
 *
 * <pre>
 * # lobby camera, 4 frames per second at 160x120
 * camera.lobby.url = rtsp://10.0.0.5/stream1
 * camera.lobby.fps = 4
 * camera.lobby.size = 160x120
 * # a file played as a live camera, forever
 * camera.demo-1.url = /data/walk.avi
 * camera.demo-1.loop = true
 * </pre>
 *
 * <p>Keys: {@code url} (required: file path or rtsp/http(s)/file URL), {@code fps}, {@code size}
 * ({@code WxH}, {@code 0x0} keeps the source size), {@code loop} and {@code realtime} ({@code
 * true}/{@code false}); missing optional keys take the defaults the caller supplies. Lines starting
 * with {@code #} or {@code !} and blank lines are ignored. Camera ids are letters, digits and
 * {@code . _ : -}. Anything else (unknown keys, a key set twice, bad values, a camera without url)
 * is rejected with an {@link IllegalArgumentException} whose message starts with {@code file:line:}
 * and names the key.
 */
public final class CameraFile {
  /** Prefix of every key. */
  public static final String PREFIX = "camera.";

  /** The per-camera fields. */
  public static final Set<String> FIELDS = Set.of("url", "fps", "size", "loop", "realtime");

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

  private CameraFile() {}

  /**
   * Reads and parses a camera file.
   *
   * @param defaults a fresh builder per camera, holding the settings the file does not set
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException naming the file, line and key of the first problem
   */
  public static Map<String, IngestOptions> read(Path file, Supplier<IngestOptions.Builder> defaults)
      throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), defaults);
  }

  /**
   * Parses camera-file text.
   *
   * @param name the file name used in messages
   * @param defaults a fresh builder per camera, holding the settings the file does not set
   * @return the cameras by id, in the order of their first line
   * @throws IllegalArgumentException naming the file, line and key of the first problem
   */
  public static Map<String, IngestOptions> parse(
      String text, String name, Supplier<IngestOptions.Builder> defaults) {
    Map<String, Map<String, Entry>> byCamera = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n|\r", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw error(name, lineNo, "expected key = value, got '" + line + "'");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      int dot = key.lastIndexOf('.');
      if (!key.startsWith(PREFIX) || dot <= PREFIX.length()) {
        throw error(
            name, lineNo, "unknown key '" + key + "' (keys look like camera.<id>.url, .fps, ...)");
      }
      String id = key.substring(PREFIX.length(), dot);
      String field = key.substring(dot + 1);
      if (!ID.matcher(id).matches()) {
        throw error(
            name,
            lineNo,
            key + ": camera id '" + id + "' may only hold letters, digits and . _ : -");
      }
      if (!FIELDS.contains(field)) {
        throw error(
            name, lineNo, key + ": unknown field '" + field + "', use one of " + sorted(FIELDS));
      }
      Map<String, Entry> fields = byCamera.computeIfAbsent(id, k -> new LinkedHashMap<>());
      Entry earlier = fields.get(field);
      if (earlier != null) {
        throw error(name, lineNo, key + " is set twice (first on line " + earlier.line() + ")");
      }
      if (value.isEmpty()) {
        throw error(name, lineNo, key + ": value is empty");
      }
      fields.put(field, new Entry(lineNo, key, value));
    }
    Map<String, IngestOptions> cameras = new LinkedHashMap<>();
    byCamera.forEach((id, fields) -> cameras.put(id, camera(name, id, fields, defaults.get())));
    return cameras;
  }

  private static IngestOptions camera(
      String name, String id, Map<String, Entry> fields, IngestOptions.Builder b) {
    Entry url = fields.get("url");
    int firstLine = fields.values().iterator().next().line();
    if (url == null) {
      throw error(name, firstLine, "camera '" + id + "' has no " + PREFIX + id + ".url");
    }
    b.setCameraId(id).setSources(List.of(url.value()));
    Entry fps = fields.get("fps");
    if (fps != null) {
      double value;
      try {
        value = Double.parseDouble(fps.value());
      } catch (NumberFormatException e) {
        throw error(name, fps.line(), fps.key() + ": not a number: '" + fps.value() + "'");
      }
      b.optTargetFps(value);
    }
    Entry size = fields.get("size");
    if (size != null) {
      String[] wh = size.value().toLowerCase(Locale.ROOT).split("x", -1);
      try {
        if (wh.length != 2) {
          throw new NumberFormatException();
        }
        b.optSize(Integer.parseInt(wh[0].strip()), Integer.parseInt(wh[1].strip()));
      } catch (NumberFormatException e) {
        throw error(
            name,
            size.line(),
            size.key() + ": expected WxH such as 160x120, got '" + size.value() + "'");
      }
    }
    Entry loop = fields.get("loop");
    if (loop != null) {
      b.optLoop(bool(name, loop));
    }
    Entry realtime = fields.get("realtime");
    if (realtime != null) {
      b.optRealtime(bool(name, realtime));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      // the options name the field; point at the line that set it
      Entry at = url;
      String message = e.getMessage();
      if (message.startsWith("targetFps") && fps != null) {
        at = fps;
      } else if ((message.startsWith("width") || message.startsWith("height")) && size != null) {
        at = size;
      }
      throw error(name, at.line(), at.key() + ": " + message);
    }
  }

  private static boolean bool(String name, Entry e) {
    String v = e.value().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw error(name, e.line(), e.key() + ": expected true or false, got '" + e.value() + "'");
  }

  private static String sorted(Set<String> names) {
    return names.stream().sorted().toList().toString();
  }

  private static IllegalArgumentException error(String name, int line, String message) {
    return new IllegalArgumentException(name + ":" + line + ": " + message);
  }

  /** One {@code key = value} line. */
  private record Entry(int line, String key, String value) {}
}
