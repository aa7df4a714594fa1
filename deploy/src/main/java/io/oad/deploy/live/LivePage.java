package io.oad.deploy.live;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live web page over HTTP: {@code /} the page, {@code /live.js} and {@code /live.css} its
 * script and style, {@code /uplot/...} the chart library (uPlot, served from its webjar: nothing is
 * loaded from elsewhere), {@code /events} the server-sent-event stream of a {@link LiveHub}.
 * Installed beside {@code /metrics} on the metrics server, but a viewer's stream never holds one of
 * the server's threads: streams run on threads of their own (as many as the hub admits viewers),
 * and a stream whose write has been blocked longer than the write timeout (a client that stopped
 * reading) is cut off, so that neither {@code /metrics} nor the health endpoints ever wait for a
 * viewer.
 */
public final class LivePage implements HttpHandler, AutoCloseable {
  /** Path of the page. */
  public static final String PAGE_PATH = "/";

  /** Path of the server-sent-event stream. */
  public static final String EVENTS_PATH = "/events";

  /** Without a frame for this long a comment line is sent, which also finds dead connections. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(10);

  /** A stream whose write has been blocked this long (a client that stopped reading) is cut off. */
  static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

  /** Path of uPlot's script, served from its webjar. */
  public static final String UPLOT_JS_PATH = "/uplot/uPlot.iife.min.js";

  /** Path of uPlot's style sheet, served from its webjar. */
  public static final String UPLOT_CSS_PATH = "/uplot/uPlot.min.css";

  private static final String JS = "text/javascript; charset=utf-8";
  private static final String CSS = "text/css; charset=utf-8";

  /**
   * The static files by path: the page's own (beside this class; "/" is index.html) and the chart
   * library's (from the uPlot webjar on the classpath). None of them needs the token.
   */
  private static final Map<String, Asset> ASSETS =
      Map.of(
          "/",
          new Asset("index.html", "text/html; charset=utf-8"),
          "/live.js",
          new Asset("live.js", JS),
          "/live.css",
          new Asset("live.css", CSS),
          UPLOT_JS_PATH,
          new Asset(webjar("dist/uPlot.iife.min.js"), JS),
          UPLOT_CSS_PATH,
          new Asset(webjar("dist/uPlot.min.css"), CSS));

  private final LiveHub hub;
  private final Map<String, byte[]> files;
  private final AtomicInteger streams = new AtomicInteger();
  private final Duration writeTimeout;
  private final byte[] token;
  private final ThreadPoolExecutor streamThreads;
  private final ScheduledExecutorService watchdog;
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong cutOff = new AtomicLong();

  /** Serves the given hub's view to anyone who can reach the port. */
  public LivePage(LiveHub hub) {
    this(hub, DEFAULT_WRITE_TIMEOUT, null);
  }

  /**
   * Serves the given hub's view; with a {@code token}, {@code /} and {@code /events} answer only
   * requests that carry it ({@code Authorization: Bearer TOKEN} or {@code ?token=TOKEN}).
   */
  public LivePage(LiveHub hub, String token) {
    this(hub, DEFAULT_WRITE_TIMEOUT, token);
  }

  /** Serves the given hub's view with another write timeout (tests). */
  public LivePage(LiveHub hub, Duration writeTimeout) {
    this(hub, writeTimeout, null);
  }

  /**
   * Serves the given hub's view.
   *
   * @param writeTimeout a stream whose write blocks longer than this is cut off
   * @param token required on {@code /} and {@code /events} when not null or empty
   */
  public LivePage(LiveHub hub, Duration writeTimeout, String token) {
    this.hub = Objects.requireNonNull(hub, "hub");
    this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    if (writeTimeout.isNegative() || writeTimeout.isZero()) {
      throw new IllegalArgumentException("writeTimeout must be > 0, got " + writeTimeout);
    }
    this.writeTimeout = writeTimeout;
    int n = hub.options().maxViewers();
    AtomicInteger ids = new AtomicInteger();
    this.streamThreads =
        new ThreadPoolExecutor(
            n,
            n,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(n),
            r -> daemon(r, "oad-live-stream-" + ids.incrementAndGet()));
    streamThreads.allowCoreThreadTimeOut(true);
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "oad-live-watchdog"));
    long period = Math.max(50, Math.min(1000, writeTimeout.toMillis() / 4));
    watchdog.scheduleWithFixedDelay(this::cutOffStalled, period, period, TimeUnit.MILLISECONDS);
    Map<String, byte[]> f = new java.util.HashMap<>();
    ASSETS.forEach((path, asset) -> f.put(path, resource(asset.resource())));
    this.files = Map.copyOf(f);
  }

  /** The hub behind the page. */
  public LiveHub hub() {
    return hub;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if ((EVENTS_PATH.equals(path) || PAGE_PATH.equals(path)) && !authorized(exchange)) {
      try (exchange) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"oad live\"");
        respond(
            exchange,
            401,
            "text/plain; charset=utf-8",
            "the live page needs its token: ?token=... or Authorization: Bearer ...\n"
                .getBytes(StandardCharsets.UTF_8));
      }
      return;
    }
    if (EVENTS_PATH.equals(path)) {
      openStream(exchange);
      return;
    }
    try (exchange) {
      if (files.containsKey(path)) {
        respond(exchange, 200, ASSETS.get(path).type(), files.get(path));
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
    watchdog.shutdownNow();
    streamThreads.shutdown();
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

  /** Whether the request carries the token (always, when the page has none). */
  private boolean authorized(HttpExchange exchange) {
    if (token == null) {
      return true;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header != null && header.startsWith("Bearer ") && same(header.substring(7))) {
      return true;
    }
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("token=") && same(decode(pair.substring(6)))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The query value decoded; a malformed escape ({@code %zz}) decodes to nothing that matches. */
  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private boolean same(String given) {
    // constant time, so that the answer's timing says nothing about the token
    return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }

  /** Streams cut off so far because a write blocked longer than the write timeout. */
  public long streamsCutOff() {
    return cutOff.get();
  }

  /** Admits a viewer and hands its stream to a stream thread; answers 503 when none is free. */
  private void openStream(HttpExchange exchange) throws IOException {
    LiveHub.Viewer viewer = hub.connect();
    if (viewer == null) {
      try (exchange) {
        busy(exchange);
      }
      return;
    }
    streams.incrementAndGet();
    Stream stream = new Stream(exchange, viewer);
    try {
      streamThreads.execute(stream);
    } catch (RejectedExecutionException e) {
      // every stream thread is still busy with a stream being cut off
      hub.disconnect(viewer);
      ended();
      try (exchange) {
        busy(exchange);
      }
    }
  }

  private void busy(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Retry-After", "10");
    respond(
        exchange,
        503,
        "text/plain; charset=utf-8",
        ("at most " + hub.options().maxViewers() + " live viewers at once\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  private void ended() {
    synchronized (streams) {
      streams.decrementAndGet();
      streams.notifyAll();
    }
  }

  /** Interrupts the thread of every stream whose current write has blocked too long. */
  private void cutOffStalled() {
    long now = System.nanoTime();
    for (Stream s : open) {
      s.cutOffIfStalled(now, writeTimeout.toNanos());
    }
  }

  /** One viewer's event stream, run on a stream thread. */
  private final class Stream implements Runnable {
    private final HttpExchange exchange;
    private final LiveHub.Viewer viewer;
    private volatile Thread thread;
    private volatile long writingSince;
    private volatile boolean cut;

    Stream(HttpExchange exchange, LiveHub.Viewer viewer) {
      this.exchange = exchange;
      this.viewer = viewer;
    }

    @Override
    public void run() {
      thread = Thread.currentThread();
      open.add(this);
      try (exchange) {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        // browsers reconnect by themselves after a drop; ask them to do it soon
        write(out, "retry: 2000\n\n");
        while (!cut) {
          List<String> frames = viewer.next(KEEP_ALIVE, 256);
          if (frames == null) {
            break; // dropped for falling behind, or the server is stopping
          }
          StringBuilder chunk = new StringBuilder();
          if (frames.isEmpty()) {
            chunk.append(": keep-alive\n\n");
          }
          frames.forEach(chunk::append);
          write(out, chunk.toString());
        }
      } catch (IOException e) {
        // the viewer went away, or its stream was cut off
      } catch (InterruptedException e) {
        // cut off while waiting, or the page is closing
      } finally {
        open.remove(this);
        synchronized (this) {
          thread = null; // from now on the watchdog cannot interrupt this pooled thread for us
        }
        Thread.interrupted(); // nor can an earlier cut-off leak into the thread's next stream
        hub.disconnect(viewer);
        ended();
      }
    }

    private void write(OutputStream out, String text) throws IOException {
      writingSince = System.nanoTime();
      try {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } finally {
        writingSince = 0;
      }
    }

    synchronized void cutOffIfStalled(long now, long timeoutNanos) {
      long since = writingSince;
      if (since != 0 && now - since > timeoutNanos && thread != null && !cut) {
        cut = true;
        cutOff.incrementAndGet();
        // a write blocked on the socket is interruptible: the interrupt closes the connection
        thread.interrupt();
      }
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

  /**
   * The classpath resource of a file of the uPlot webjar ({@code
   * /META-INF/resources/webjars/uplot/VERSION/...}), the version read from the webjar itself.
   */
  static String webjar(String file) {
    String props = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
    Properties p = new Properties();
    try (InputStream in = LivePage.class.getResourceAsStream(props)) {
      if (in == null) {
        throw new IllegalStateException("the uPlot webjar is missing from the classpath: " + props);
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "/META-INF/resources/webjars/uplot/" + p.getProperty("version") + "/" + file;
  }

  /** A static file: its classpath resource (relative to this class, or absolute) and type. */
  private record Asset(String resource, String type) {}

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

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
