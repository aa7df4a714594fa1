package io.oad.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthEndpointsTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldServeLivenessReadinessAndMetricsOnOnePort() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter counter = Counter.builder().name("oad_test_things_total").register(registry);
    counter.inc(3);
    AtomicBoolean ready = new AtomicBoolean(false);
    try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0, ready::get)) {
      int port = server.port();
      assertEquals(200, get(port, "/healthz").statusCode());
      HttpResponse<String> notReady = get(port, "/readyz");
      assertEquals(503, notReady.statusCode());
      assertEquals("not ready\n", notReady.body());

      ready.set(true);
      assertEquals(200, get(port, "/readyz").statusCode());

      HttpResponse<String> metrics = get(port, "/metrics");
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("oad_test_things_total 3.0"), metrics.body());
      assertEquals(404, get(port, "/nothing-here").statusCode());
    }
  }

  @Test
  void shouldReportNotReadyWhenTheHookThrows() throws Exception {
    try (MetricsServer server =
        MetricsServer.start(
            new PrometheusRegistry(),
            "127.0.0.1",
            0,
            () -> {
              throw new IllegalStateException("streams not created yet");
            })) {
      assertEquals(503, get(server.port(), "/readyz").statusCode());
      assertEquals(200, get(server.port(), "/healthz").statusCode());
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
