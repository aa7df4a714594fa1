package io.oad.deploy.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.service.MetricsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Viewers of the live page that connect and then stop reading (a hostile or broken client): they
 * must neither hang {@code /metrics} and {@code /healthz} nor keep their stream forever.
 */
class LivePageSlowViewerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private int status(int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void shouldKeepServingMetricsAndHealthWhileViewersStopReading() throws Exception {
    LiveHub hub = new LiveHub(LiveHub.Options.defaults(0.25));
    List<Socket> stalled = new ArrayList<>();
    AtomicBoolean feeding = new AtomicBoolean(true);
    Thread feeder =
        new Thread(
            () -> {
              long step = 0;
              while (feeding.get()) {
                for (int c = 0; c < 32; c++) {
                  hub.accept(LiveHubTest.prediction("cam-" + c, step, 1000 + step * 250, "walk"));
                }
                step++;
              }
            });
    LivePage page = new LivePage(hub, Duration.ofSeconds(2));
    try (MetricsServer server =
        MetricsServer.start(new PrometheusRegistry(), "127.0.0.1", 0, () -> true, page)) {
      feeder.start();
      for (int i = 0; i < 30; i++) {
        Socket s = new Socket();
        s.setReceiveBufferSize(1024);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
        OutputStream out = s.getOutputStream();
        out.write(
            "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        stalled.add(s); // never read
        Thread.sleep(150);
      }
      System.out.println("viewers dropped so far: " + hub.viewersDropped());
      long start = System.nanoTime();
      assertEquals(200, status(server.port(), "/metrics"));
      assertEquals(200, status(server.port(), "/healthz"));
      assertEquals(200, status(server.port(), "/readyz"));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 3000, "metrics and health took " + ms + " ms with stalled viewers");

      // a stream whose write has blocked longer than the write timeout is cut off
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (hub.viewers() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(0, hub.viewers(), "stalled viewers still connected");
      // their blocked streams are cut off, so a well-behaved viewer gets a stream again
      int got = 0;
      deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (got != 200 && System.nanoTime() < deadline) {
        HttpResponse<java.util.stream.Stream<String>> events =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/events"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofLines());
        got = events.statusCode();
        events.body().close();
        if (got != 200) {
          Thread.sleep(200);
        }
      }
      assertEquals(200, got, "a reading viewer is admitted once the stalled streams are cut off");
      assertTrue(page.streamsCutOff() > 0, "cut off: " + page.streamsCutOff());
    } finally {
      feeding.set(false);
      feeder.join(5000);
      for (Socket s : stalled) {
        s.close();
      }
    }
  }
}
