package io.oad.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * Reads a camera file: one camera per id, in properties syntax, every key naming the camera,
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
 * <p>or, for a file named {@code *.yaml} / {@code *.yml}, the same in YAML under one top-level key
 * {@code cameras}:
 *
 * <pre>
 * cameras:
 *   lobby:
 *     url: rtsp://10.0.0.5/stream1
 *     fps: 4
 *     size: 160x120
 *   demo-1:
 *     url: /data/walk.avi
 *     loop: true
 * </pre>
 *
 * <p>Keys: {@code url} (required: file path or rtsp/http(s)/file URL), {@code fps}, {@code size}
 * ({@code WxH}, {@code 0x0} keeps the source size), {@code loop} and {@code realtime} ({@code
 * true}/{@code false}); missing optional keys take the defaults the caller supplies. Lines starting
 * with {@code #} (and, in properties, {@code !}) and blank lines are ignored. Camera ids are
 * letters, digits and {@code . _ : -}. Anything else (unknown keys, a key set twice, bad values, a
 * camera without url, YAML that is not a map of maps of single values) is rejected with an {@link
 * IllegalArgumentException} whose message starts with {@code file:line:} and names the key ({@code
 * camera.<id>.<field>} in properties, {@code cameras.<id>.<field>} in YAML).
 */
public final class CameraFile {
  /** Prefix of every key in the properties form. */
  public static final String PREFIX = "camera.";

  /** The one top-level key of the YAML form. */
  public static final String YAML_ROOT = "cameras";

  /** The per-camera fields. */
  public static final Set<String> FIELDS = Set.of("url", "fps", "size", "loop", "realtime");

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

  private static final YAMLFactory YAML = new YAMLFactory();

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
   * Parses camera-file text: YAML if {@code name} ends in {@code .yaml} or {@code .yml}, else
   * properties.
   *
   * @param name the file name used in messages
   * @param defaults a fresh builder per camera, holding the settings the file does not set
   * @return the cameras by id, in the order of their first line
   * @throws IllegalArgumentException naming the file, line and key of the first problem
   */
  public static Map<String, IngestOptions> parse(
      String text, String name, Supplier<IngestOptions.Builder> defaults) {
    boolean yaml = isYaml(name);
    Map<String, Camera> byCamera = yaml ? yamlEntries(text, name) : propertiesEntries(text, name);
    String prefix = yaml ? YAML_ROOT + "." : PREFIX;
    Map<String, IngestOptions> cameras = new LinkedHashMap<>();
    byCamera.forEach(
        (id, camera) -> cameras.put(id, camera(name, prefix, id, camera, defaults.get())));
    return cameras;
  }

  /** Whether a camera file of this name is read as YAML ({@code .yaml}, {@code .yml}). */
  public static boolean isYaml(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".yaml") || lower.endsWith(".yml");
  }

  private static Map<String, Camera> propertiesEntries(String text, String name) {
    Map<String, Camera> byCamera = new LinkedHashMap<>();
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
      checkId(name, lineNo, key, id);
      Camera camera = byCamera.computeIfAbsent(id, k -> new Camera(lineNo));
      camera.put(name, new Entry(lineNo, key, value), field);
    }
    return byCamera;
  }

  /**
   * Walks the YAML events rather than binding a tree: the parser knows the line of every key, and a
   * key given twice is seen (a tree keeps only the last).
   */
  private static Map<String, Camera> yamlEntries(String text, String name) {
    Map<String, Camera> byCamera = new LinkedHashMap<>();
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null || t == JsonToken.VALUE_NULL) {
        return byCamera; // an empty file or only comments: no cameras
      }
      if (t != JsonToken.START_OBJECT) {
        throw error(
            name, line(p), "expected '" + YAML_ROOT + ":' at the top, got " + describe(t, p));
      }
      int rootLine = 0;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String top = p.currentName();
        int topLine = line(p);
        if (!top.equals(YAML_ROOT)) {
          throw error(
              name,
              topLine,
              "unknown key '"
                  + top
                  + "' (the file holds one key, "
                  + YAML_ROOT
                  + ", a map of camera ids to url, fps, ...)");
        }
        if (rootLine > 0) {
          throw error(name, topLine, YAML_ROOT + " is set twice (first on line " + rootLine + ")");
        }
        rootLine = topLine;
        t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
          continue; // "cameras:" with nothing below
        }
        if (t != JsonToken.START_OBJECT) {
          throw error(
              name, line(p), YAML_ROOT + ": expected a map of camera ids, got " + describe(t, p));
        }
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          readYamlCamera(p, name, byCamera);
        }
      }
      if (p.nextToken() != null) {
        throw error(name, line(p), "expected one YAML document, found another");
      }
    } catch (StreamReadException e) {
      JsonLocation at = e.getLocation();
      String message = e.getOriginalMessage().strip().replaceAll("\\s*\\R\\s*", " ");
      throw error(name, at == null ? 0 : at.getLineNr(), "not valid YAML: " + message);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String
    }
    return byCamera;
  }

  private static void readYamlCamera(JsonParser p, String name, Map<String, Camera> byCamera)
      throws IOException {
    String id = p.currentName();
    int idLine = line(p);
    String path = YAML_ROOT + "." + id;
    checkId(name, idLine, path, id);
    Camera earlier = byCamera.get(id);
    if (earlier != null) {
      throw error(name, idLine, path + " is set twice (first on line " + earlier.line() + ")");
    }
    Camera camera = new Camera(idLine);
    byCamera.put(id, camera);
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return; // "lobby:" with nothing below: reported as a camera without url
    }
    if (t != JsonToken.START_OBJECT) {
      throw error(
          name,
          line(p),
          path + ": expected url:, fps:, ... below the camera id, got " + describe(t, p));
    }
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      int fieldLine = line(p);
      String key = path + "." + field;
      if (!FIELDS.contains(field)) {
        throw unknownField(name, fieldLine, key, field);
      }
      t = p.nextToken();
      if (t.isStructStart()) {
        throw error(name, fieldLine, key + ": expected a single value, got a list or map");
      }
      String value = t == JsonToken.VALUE_NULL ? "" : p.getText().strip();
      camera.put(name, new Entry(fieldLine, key, value), field);
    }
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }

  private static String describe(JsonToken t, JsonParser p) throws IOException {
    return switch (t) {
      case START_ARRAY -> "a list";
      case START_OBJECT -> "a map";
      default -> "'" + p.getText() + "'";
    };
  }

  private static void checkId(String name, int line, String key, String id) {
    if (!ID.matcher(id).matches()) {
      throw error(
          name, line, key + ": camera id '" + id + "' may only hold letters, digits and . _ : -");
    }
  }

  private static IngestOptions camera(
      String name, String prefix, String id, Camera camera, IngestOptions.Builder b) {
    Map<String, Entry> fields = camera.fields();
    Entry url = fields.get("url");
    if (url == null) {
      throw error(name, camera.line(), "camera '" + id + "' has no " + prefix + id + ".url");
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

  private static IllegalArgumentException unknownField(
      String name, int line, String key, String field) {
    return error(name, line, key + ": unknown field '" + field + "', use one of " + sorted(FIELDS));
  }

  private static IllegalArgumentException error(String name, int line, String message) {
    return new IllegalArgumentException(name + ":" + line + ": " + message);
  }

  /** One {@code key = value} line (or {@code field: value} in YAML). */
  private record Entry(int line, String key, String value) {}

  /** The fields of one camera, by name; {@code line} is where the camera first appears. */
  private record Camera(int line, Map<String, Entry> fields) {
    Camera(int line) {
      this(line, new LinkedHashMap<>());
    }

    void put(String name, Entry e, String field) {
      if (!FIELDS.contains(field)) {
        throw unknownField(name, e.line(), e.key(), field);
      }
      Entry earlier = fields.get(field);
      if (earlier != null) {
        throw error(
            name, e.line(), e.key() + " is set twice (first on line " + earlier.line() + ")");
      }
      if (e.value().isEmpty()) {
        throw error(name, e.line(), e.key() + ": value is empty");
      }
      fields.put(field, e);
    }
  }
}
