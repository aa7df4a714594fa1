package io.oad.service;

import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;

/**
 * Serves a registry's metrics, JVM metrics included, on {@code http://127.0.0.1:PORT/metrics}, and
 * the liveness and readiness endpoints {@code /healthz} and {@code /readyz}.
 */
public final class MetricsServer implements AutoCloseable {
  private final HTTPServer server;
  private final AutoCloseable pages;

  private MetricsServer(HTTPServer server, AutoCloseable pages) {
    this.server = server;
    this.pages = pages;
  }

  /**
   * Starts the server; port 0 picks a free port, a negative port disables it (returns {@code
   * null}).
   *
   * @param registry the registry the role's metrics are registered in; JVM metrics are added to it
   */
  public static MetricsServer start(PrometheusRegistry registry, String host, int port) {
    return start(registry, host, port, () -> true);
  }

  /**
   * Starts the server as {@link #start(PrometheusRegistry, String, int)} does, with {@code
   * /healthz} and {@code /readyz} beside {@code /metrics}; {@code readiness} answers {@code
   * /readyz} (see {@link HealthHandler}).
   */
  public static MetricsServer start(
      PrometheusRegistry registry, String host, int port, BooleanSupplier readiness) {
    return start(registry, host, port, readiness, null);
  }

  /**
   * Starts the server as {@link #start(PrometheusRegistry, String, int, BooleanSupplier)} does,
   * with {@code pages} (e.g. the live view) serving every other path; the server closes it first
   * when it closes if it is {@link AutoCloseable}.
   */
  public static MetricsServer start(
      PrometheusRegistry registry,
      String host,
      int port,
      BooleanSupplier readiness,
      HttpHandler pages) {
    if (port < 0) {
      return null;
    }
    JvmMetrics.builder().register(registry);
    try {
      return new MetricsServer(
          HTTPServer.builder()
              .hostname(host)
              .port(port)
              .registry(registry)
              .defaultHandler(new HealthHandler(readiness, pages))
              .buildAndStart(),
          pages instanceof AutoCloseable c ? c : null);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve metrics on "
              + host
              + ":"
              + port
              + " (is the port taken? set --metrics-port)",
          e);
    }
  }

  /** The port actually bound. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    if (pages != null) {
      try {
        pages.close(); // ends the long-lived live-view streams, so the server stops at once
      } catch (Exception e) {
        // closing anyway
      }
    }
    server.close();
  }
}
