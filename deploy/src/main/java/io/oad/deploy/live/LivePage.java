package io.oad.deploy.live;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live web page over HTTP: {@code /} the page, {@code /live.js} and {@code /live.css} its
 * script and style (all written for this project, no external resources), {@code /events} the
 * server-sent-event stream of a {@link LiveHub}. Installed beside {@code /metrics} on the metrics
 * server, whose threads it shares: a viewer's stream occupies one thread while it is connected, so
 * the hub caps the viewers.
 */
public final class LivePage implements HttpHandler, AutoCloseable {
  /** Path of the page. */
  public static final String PAGE_PATH = "/";

  /** Path of the server-sent-event stream. */
  public static final String EVENTS_PATH = "/events";

  /** Without a frame for this long a comment line is sent, which also finds dead connections. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(10);

  /**
   * Path to content type of the static files; the file is named like the path, "/" is index.html.
   */
  private static final Map<String, String> TYPES =
      Map.of(
          "/", "text/html; charset=utf-8",
          "/live.js", "text/javascript; charset=utf-8",
          "/live.css", "text/css; charset=utf-8");

  private final LiveHub hub;
  private final Map<String, byte[]> files;
  private final AtomicInteger streams = new AtomicInteger();

  /** Serves the given hub's view. */
  public LivePage(LiveHub hub) {
    this.hub = Objects.requireNonNull(hub, "hub");
    Map<String, byte[]> f = new java.util.HashMap<>();
    TYPES.keySet().forEach(p -> f.put(p, resource(p.equals("/") ? "index.html" : p.substring(1))));
    this.files = Map.copyOf(f);
  }

  /** The hub behind the page. */
  public LiveHub hub() {
    return hub;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (EVENTS_PATH.equals(path)) {
      streams.incrementAndGet();
      try (exchange) {
        stream(exchange);
      } finally {
        synchronized (streams) {
          streams.decrementAndGet();
          streams.notifyAll();
        }
      }
      return;
    }
    try (exchange) {
      if (files.containsKey(path)) {
        respond(exchange, 200, TYPES.get(path), files.get(path));
      } else {
        respond(
            exchange,
            404,
            "text/plain; charset=utf-8",
            ("not found: " + path + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /**
   * Ends every open stream and waits (up to 2 s) until their responses are complete, so that the
   * server stopping next does not cut them off mid-chunk.
   */
  @Override
  public void close() {
    hub.close();
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    synchronized (streams) {
      try {
        while (streams.get() > 0 && System.nanoTime() < deadline) {
          streams.wait(50);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void stream(HttpExchange exchange) throws IOException {
    LiveHub.Viewer viewer = hub.connect();
    if (viewer == null) {
      exchange.getResponseHeaders().set("Retry-After", "10");
      respond(
          exchange,
          503,
          "text/plain; charset=utf-8",
          ("at most " + hub.options().maxViewers() + " live viewers at once\n")
              .getBytes(StandardCharsets.UTF_8));
      return;
    }
    try {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      // browsers reconnect by themselves after a drop; ask them to do it soon
      out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        List<String> frames = viewer.next(KEEP_ALIVE, 256);
        if (frames == null) {
          break; // dropped for falling behind, or the server is stopping
        }
        if (frames.isEmpty()) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        }
        for (String f : frames) {
          out.write(f.getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
      }
    } catch (IOException e) {
      // the viewer went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      hub.disconnect(viewer);
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    // the page loads nothing from elsewhere
    exchange
        .getResponseHeaders()
        .set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
    boolean head = "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = LivePage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("live page resource missing from the classpath: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
