package io.oad.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test helper: a real headless Chromium showing one page, driven over the DevTools protocol with
 * the JDK's WebSocket client ({@code Runtime.evaluate} to read what the page shows, {@code
 * Page.captureScreenshot} for a picture). Chromium picks its own debugging port and writes it to
 * {@code DevToolsActivePort} in the profile folder.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /**
   * The Chromium binary: {@code $OAD_CHROMIUM}, else {@code chromium} or {@code chromium-browser}
   * on the PATH, else {@code /usr/bin/chromium}.
   *
   * @throws AssertionError naming the package to install when there is none
   */
  static Path binary() {
    String env = System.getenv("OAD_CHROMIUM");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "chromium"));
        candidates.add(Path.of(dir, "chromium-browser"));
      }
    }
    candidates.add(Path.of("/usr/bin/chromium"));
    for (Path p : candidates) {
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(
        "Chromium not found (looked for chromium and chromium-browser on the PATH and"
            + " /usr/bin/chromium; set OAD_CHROMIUM=/path/to/chromium): the live-page test needs a"
            + " real headless browser. Install it with: apt-get install -y chromium (.ci/run does)");
  }

  /** Starts Chromium on {@code url} with its profile and log in {@code dir}. */
  static HeadlessChromium open(String url, Path dir) throws Exception {
    Files.createDirectories(dir);
    Path profile = dir.resolve("profile");
    ProcessBuilder pb =
        new ProcessBuilder(
            binary().toString(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--remote-debugging-port=0",
            "--user-data-dir=" + profile,
            "--window-size=1280,1000",
            url);
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile());
    Process process = pb.start();
    try {
      int port = debuggingPort(process, profile.resolve("DevToolsActivePort"), dir);
      String ws = pageSocket(port, url);
      HeadlessChromium[] self = new HeadlessChromium[1];
      WebSocket socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .buildAsync(URI.create(ws), new Listener(self))
              .get(20, TimeUnit.SECONDS);
      self[0] = new HeadlessChromium(process, socket);
      return self[0];
    } catch (Exception | AssertionError e) {
      destroy(process);
      throw e;
    }
  }

  private static int debuggingPort(Process process, Path portFile, Path dir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "Chromium exited with "
                + process.exitValue()
                + ": "
                + Files.readString(dir.resolve("chromium.log")));
      }
      if (Files.isRegularFile(portFile)) {
        List<String> lines = Files.readAllLines(portFile);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Chromium wrote no DevToolsActivePort within 60 s");
  }

  /** The DevTools WebSocket of the tab showing {@code url}. */
  private static String pageSocket(int port, String url) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      for (JsonNode t : JSON.readTree(r.body())) {
        if ("page".equals(t.path("type").asText()) && t.path("url").asText().startsWith(url)) {
          return t.path("webSocketDebuggerUrl").asText();
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Chromium shows no tab with " + url);
  }

  /** Calls a DevTools method and returns its {@code result}. */
  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params == null ? JSON.createObjectNode() : params);
    socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
    JsonNode reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new AssertionError(method + " failed: " + reply.get("error"));
    }
    return reply.path("result");
  }

  /** Evaluates a JavaScript expression in the page; returns its value as a string. */
  String evaluate(String expression) throws Exception {
    ObjectNode params =
        JSON.createObjectNode().put("expression", expression).put("returnByValue", true);
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new AssertionError("script failed: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value").asText();
  }

  /** Saves a PNG of the page as shown. */
  void screenshot(Path file) throws Exception {
    JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(r.path("data").asText()));
  }

  @Override
  public void close() {
    socket.abort();
    destroy(process);
  }

  private static void destroy(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** Collects message fragments and completes the call each answer belongs to. */
  private static final class Listener implements WebSocket.Listener {
    private final HeadlessChromium[] owner;
    private final StringBuilder text = new StringBuilder();

    Listener(HeadlessChromium[] owner) {
      this.owner = owner;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        try {
          JsonNode node = JSON.readTree(message);
          if (node.has("id") && owner[0] != null) {
            CompletableFuture<JsonNode> f = owner[0].pending.remove(node.get("id").asInt());
            if (f != null) {
              f.complete(node);
            }
          }
        } catch (IOException e) {
          // not JSON: not an answer of ours
        }
      }
      ws.request(1);
      return null;
    }
  }
}
