package io.oad.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One dataset entry of a {@code data_info.json} as LSTR, TeSTra, MAT, MiniROAD and CMeRT ship it:
 * top-level dataset keys ({@code "THUMOS"}, {@code "TVSeries"}, ...), each with {@code class_names}
 * (background first), {@code train_session_set} and {@code test_session_set}. The OadTR file of the
 * same name keeps its class names under {@code class_index}; that key is read when {@code
 * class_names} is absent and it holds names.
 *
 * <p>The background is class 0; a class named {@code Ambiguous} (any case) is the ambiguous class
 * (THUMOS: 22 names, 21 is ambiguous).
 *
 * @param file where it was read from (named in errors)
 * @param dataset the top-level key
 * @param classNames one per class, background first; empty if the file names none
 * @param trainSessions video ids of the training set, in file order
 * @param testSessions video ids of the test set, in file order
 */
public record LstrDataInfo(
    Path file,
    String dataset,
    List<String> classNames,
    List<String> trainSessions,
    List<String> testSessions) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public LstrDataInfo {
    classNames = List.copyOf(classNames);
    trainSessions = List.copyOf(trainSessions);
    testSessions = List.copyOf(testSessions);
  }

  /**
   * Reads entry {@code dataset} of {@code file}.
   *
   * @throws IllegalArgumentException naming the file for an unknown key or a malformed entry
   */
  public static LstrDataInfo read(Path file, String dataset) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read data info " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a JSON object of dataset entries");
    }
    JsonNode entry = root.get(dataset);
    if (entry == null) {
      List<String> keys = new ArrayList<>();
      root.fieldNames().forEachRemaining(keys::add);
      throw new IllegalArgumentException(
          file + " has no dataset '" + dataset + "' (it has " + String.join(", ", keys) + ")");
    }
    if (!entry.isObject()) {
      throw new IllegalArgumentException(file + ": '" + dataset + "' is not an object");
    }
    List<String> names = List.of();
    if (entry.has("class_names")) {
      names = strings(file, dataset, entry, "class_names");
    } else if (entry.has("class_index")
        && entry.get("class_index").isArray()
        && entry.get("class_index").size() > 0
        && entry.get("class_index").get(0).isTextual()) {
      names = strings(file, dataset, entry, "class_index");
    }
    if (!names.isEmpty() && names.size() < 2) {
      throw new IllegalArgumentException(
          file + ": " + dataset + " names " + names.size() + " class; need background and more");
    }
    if (new LinkedHashSet<>(names).size() != names.size()) {
      throw new IllegalArgumentException(file + ": " + dataset + " repeats a class name");
    }
    return new LstrDataInfo(
        file,
        dataset,
        names,
        strings(file, dataset, entry, "train_session_set"),
        strings(file, dataset, entry, "test_session_set"));
  }

  private static List<String> strings(Path file, String dataset, JsonNode entry, String key) {
    JsonNode a = entry.get(key);
    if (a == null) {
      throw new IllegalArgumentException(file + ": " + dataset + " has no '" + key + "'");
    }
    if (!a.isArray()) {
      throw new IllegalArgumentException(file + ": " + dataset + "." + key + " is not a list");
    }
    List<String> out = new ArrayList<>(a.size());
    for (Iterator<JsonNode> it = a.elements(); it.hasNext(); ) {
      JsonNode n = it.next();
      if (!n.isTextual() || n.asText().isBlank()) {
        throw new IllegalArgumentException(
            file + ": " + dataset + "." + key + " holds " + n + ", expected non-blank strings");
      }
      out.add(n.asText());
    }
    return out;
  }

  /** Class names, or an error naming the file when it has none. */
  public List<String> requireClassNames() {
    if (classNames.isEmpty()) {
      throw new IllegalArgumentException(file + ": " + dataset + " has no 'class_names'");
    }
    return classNames;
  }

  /** Index of the class called {@code Ambiguous} (any case), if there is one. */
  public OptionalInt ambiguous() {
    for (int c = 0; c < classNames.size(); c++) {
      if (classNames.get(c).equalsIgnoreCase("Ambiguous")) {
        return OptionalInt.of(c);
      }
    }
    return OptionalInt.empty();
  }

  /** Background 0 and the ambiguous class of {@link #ambiguous()}. */
  public ClassLayout layout() {
    return new ClassLayout(requireClassNames().size(), 0, ambiguous());
  }

  /** Which session set holds {@code videoId}: "train", "test" or empty. */
  public Optional<String> splitOf(String videoId) {
    if (trainSessions.contains(videoId)) {
      return Optional.of("train");
    }
    if (testSessions.contains(videoId)) {
      return Optional.of("test");
    }
    return Optional.empty();
  }

  /**
   * Writes or updates {@code file} in the LSTR format: entry {@code dataset} gets {@code
   * classNames} and the union of its session sets with the given ones; other entries are kept.
   */
  public static void merge(
      Path file,
      String dataset,
      List<String> classNames,
      List<String> trainSessions,
      List<String> testSessions) {
    try {
      ObjectNode root =
          Files.isRegularFile(file)
              ? (ObjectNode) JSON.readTree(file.toFile())
              : JSON.createObjectNode();
      ObjectNode entry = root.get(dataset) instanceof ObjectNode o ? o : root.putObject(dataset);
      if (entry.has("class_names")) {
        List<String> old = strings(file, dataset, entry, "class_names");
        if (!old.equals(classNames)) {
          throw new IllegalArgumentException(
              file
                  + ": "
                  + dataset
                  + " already names other classes "
                  + old
                  + " than "
                  + classNames);
        }
      }
      ArrayNode names = entry.putArray("class_names");
      classNames.forEach(names::add);
      union(file, dataset, entry, "train_session_set", trainSessions);
      union(file, dataset, entry, "test_session_set", testSessions);
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    } catch (IOException | ClassCastException e) {
      throw new IllegalArgumentException("cannot update " + file + ": " + e.getMessage(), e);
    }
  }

  private static void union(
      Path file, String dataset, ObjectNode entry, String key, List<String> add) {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    if (entry.has(key)) {
      all.addAll(strings(file, dataset, entry, key));
    }
    all.addAll(add);
    ArrayNode a = entry.putArray(key);
    all.forEach(a::add);
  }
}
