package io.oad.deploy.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.service.MetricsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The page and its event stream, served beside /metrics by the real metrics server. */
class LivePageTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeThePageItsFilesAndTheHealthEndpointsOnTheMetricsPort() throws Exception {
    LiveHub hub = new LiveHub(LiveHub.Options.defaults(0.25));
    try (MetricsServer server =
        MetricsServer.start(
            new PrometheusRegistry(), "127.0.0.1", 0, () -> true, new LivePage(hub))) {
      HttpResponse<String> page = get(server.port(), "/");
      assertEquals(200, page.statusCode());
      assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
      assertTrue(page.body().contains("<script src=\"live.js\">"), page.body());
      assertTrue(
          get(server.port(), "/live.js")
              .body()
              .contains("new EventSource(\"events\" + location.search)"));
      assertEquals(200, get(server.port(), "/live.css").statusCode());
      // the chart library comes from the same server (the webjar in the jar), nothing from
      // elsewhere
      assertTrue(
          page.body().contains("<script src=\"uplot/uPlot.iife.min.js\">"), "uPlot before live.js");
      assertTrue(page.body().indexOf("uplot/uPlot.iife.min.js") < page.body().indexOf("live.js"));
      assertTrue(page.body().contains("<link rel=\"stylesheet\" href=\"uplot/uPlot.min.css\">"));
      assertFalse(page.body().matches("(?s).*(src|href)=\"(https?:)?//.*"), "no outside URL");
      HttpResponse<String> uplot = get(server.port(), LivePage.UPLOT_JS_PATH);
      assertEquals(200, uplot.statusCode());
      assertEquals(
          "text/javascript; charset=utf-8", uplot.headers().firstValue("Content-Type").get());
      assertTrue(uplot.body().startsWith("/*! https://github.com/leeoniya/uPlot"), "the library");
      assertTrue(uplot.body().contains("uPlot"), "defines uPlot");
      assertTrue(uplot.body().length() > 20_000, "minified uPlot is ~50 kB");
      HttpResponse<String> css = get(server.port(), LivePage.UPLOT_CSS_PATH);
      assertEquals(200, css.statusCode());
      assertEquals("text/css; charset=utf-8", css.headers().firstValue("Content-Type").get());
      assertTrue(css.body().contains(".uplot"), css.body());
      assertEquals(
          "default-src 'self'; img-src 'self' data:",
          uplot.headers().firstValue("Content-Security-Policy").get());
      assertTrue(
          get(server.port(), "/live.js").body().contains("new uPlot("), "the timeline is uPlot");
      assertEquals(404, get(server.port(), "/uplot/uPlot.cjs.js").statusCode(), "only what's used");
      assertEquals(404, get(server.port(), "/nothing").statusCode());
      assertEquals("ok\n", get(server.port(), "/healthz").body());
      assertEquals(200, get(server.port(), "/readyz").statusCode());
      assertTrue(get(server.port(), "/metrics").body().contains("jvm_memory_used_bytes"));
    }
  }

  @Test
  void shouldStreamPredictionsAsServerSentEventsUntilTheServerCloses() throws Exception {
    LiveHub hub = new LiveHub(LiveHub.Options.defaults(0.25));
    hub.accept(LiveHubTest.prediction("cam-a", 0, 1000, "walk"));
    MetricsServer server =
        MetricsServer.start(
            new PrometheusRegistry(), "127.0.0.1", 0, () -> true, new LivePage(hub));
    try {
      HttpResponse<Stream<String>> events =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/events"))
                  .build(),
              HttpResponse.BodyHandlers.ofLines());
      assertEquals(200, events.statusCode());
      assertEquals(
          "text/event-stream; charset=utf-8", events.headers().firstValue("Content-Type").get());
      Iterator<String> lines = events.body().iterator();
      assertEquals("retry: 2000", lines.next());
      assertEquals("", lines.next());
      assertEquals("event: hello", lines.next());
      lines.next();
      lines.next();
      assertEquals("event: prediction", lines.next(), "the snapshot");
      assertTrue(lines.next().contains("\"camera\":\"cam-a\""));
      lines.next();
      hub.accept(LiveHubTest.prediction("cam-b", 0, 1000, "jump"));
      assertEquals("event: prediction", lines.next(), "a live frame");
      assertTrue(lines.next().contains("\"action\":\"jump\""));
      lines.next();
      assertEquals(1, hub.viewers());
      // closing the server ends the stream instead of leaving it hanging
      CompletableFuture<Boolean> rest =
          CompletableFuture.supplyAsync(
              () -> {
                while (lines.hasNext()) {
                  lines.next();
                }
                return true;
              });
      server.close();
      server = null;
      assertTrue(rest.get(10, TimeUnit.SECONDS));
      assertEquals(0, hub.viewers());
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void shouldAnswerThePageAndItsStreamOnlyWithTheTokenWhenOneIsSet() throws Exception {
    LiveHub hub = new LiveHub(LiveHub.Options.defaults(0.25));
    try (MetricsServer server =
        MetricsServer.start(
            new PrometheusRegistry(), "127.0.0.1", 0, () -> true, new LivePage(hub, "s3cret"))) {
      int port = server.port();
      assertEquals(401, get(port, "/").statusCode());
      assertEquals(401, get(port, "/events").statusCode());
      assertEquals(401, get(port, "/?token=wrong").statusCode());
      assertEquals(401, get(port, "/events?token=s3cre").statusCode());
      String malformed = rawStatusLine(port, "/?token=%zz");
      assertTrue(
          malformed.contains(" 400 ") || malformed.contains(" 401 "),
          "a malformed escape is refused: " + malformed);
      assertEquals(200, get(port, "/?token=s3cret").statusCode());
      assertEquals(200, get(port, "/live.js").statusCode(), "the script holds no data");
      assertEquals(200, get(port, LivePage.UPLOT_JS_PATH).statusCode(), "nor does the library");
      assertEquals(200, get(port, LivePage.UPLOT_CSS_PATH).statusCode());
      assertEquals(200, get(port, "/metrics").statusCode(), "scrapers need no token");
      assertEquals(200, get(port, "/healthz").statusCode(), "probes need no token");
      HttpResponse<Stream<String>> stream =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                  .header("Authorization", "Bearer s3cret")
                  .build(),
              HttpResponse.BodyHandlers.ofLines());
      assertEquals(200, stream.statusCode());
      assertEquals("retry: 2000", stream.body().iterator().next());
      stream.body().close();
    }
  }

  @Test
  void shouldListenOnLoopbackOnlyWhenBoundThere() throws Exception {
    try (MetricsServer server = MetricsServer.start(new PrometheusRegistry(), "127.0.0.1", 0)) {
      assertEquals(200, get(server.port(), "/metrics").statusCode());
      // another loopback address reaches every socket bound to 0.0.0.0, but not this one
      try (java.net.Socket s = new java.net.Socket()) {
        assertThrows(
            java.net.ConnectException.class,
            () -> s.connect(new java.net.InetSocketAddress("127.0.0.2", server.port()), 2000));
      }
    }
    try (MetricsServer server = MetricsServer.start(new PrometheusRegistry(), "0.0.0.0", 0)) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.2", server.port()), 2000);
        assertTrue(s.isConnected());
      }
    }
  }

  /** The status line of a GET sent as raw bytes (the JDK client refuses malformed URIs itself). */
  private static String rawStatusLine(int port, String target) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
          .readLine();
    }
  }
}
