package io.oad.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Liveness and readiness endpoints served beside {@code /metrics}: {@code /healthz} answers 200
 * while the process serves HTTP, {@code /readyz} answers 200 when the role's readiness hook says it
 * is ready and 503 otherwise (also when the hook throws). Installed as the metrics server's default
 * handler: every other path goes to the optional {@code pages} handler (the live view), or answers
 * 404 without one.
 */
public final class HealthHandler implements HttpHandler {
  /** Liveness path. */
  public static final String LIVENESS_PATH = "/healthz";

  /** Readiness path. */
  public static final String READINESS_PATH = "/readyz";

  private final BooleanSupplier readiness;
  private final HttpHandler pages;

  /**
   * @param readiness the role's own readiness (called on the HTTP thread, so it must be cheap and
   *     thread-safe)
   */
  public HealthHandler(BooleanSupplier readiness) {
    this(readiness, null);
  }

  /**
   * @param readiness the role's own readiness (see {@link #HealthHandler(BooleanSupplier)})
   * @param pages serves every path other than the health endpoints (and {@code /metrics}, which the
   *     metrics server routes itself); {@code null} for none
   */
  public HealthHandler(BooleanSupplier readiness, HttpHandler pages) {
    this.readiness = Objects.requireNonNull(readiness, "readiness");
    this.pages = pages;
  }

  /** A handler whose role is ready as soon as it serves HTTP. */
  public static HealthHandler alwaysReady() {
    return new HealthHandler(() -> true);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (pages != null && !LIVENESS_PATH.equals(path) && !READINESS_PATH.equals(path)) {
      pages.handle(exchange);
      return;
    }
    try (exchange) {
      switch (path) {
        case LIVENESS_PATH -> respond(exchange, 200, "ok\n");
        case READINESS_PATH -> {
          boolean ready = isReady();
          respond(exchange, ready ? 200 : 503, ready ? "ready\n" : "not ready\n");
        }
        case "/" ->
            respond(
                exchange, 200, "oad: /metrics, " + LIVENESS_PATH + ", " + READINESS_PATH + "\n");
        default -> respond(exchange, 404, "not found: " + path + "\n");
      }
    }
  }

  private boolean isReady() {
    try {
      return readiness.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    boolean head = "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
