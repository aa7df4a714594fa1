package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.deploy.ops.OpsFiles;
import io.oad.service.MetricsServer;
import io.oad.training.features.SharedClips;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) scrapes a {@link MetricsServer} and
 * answers a PromQL query over its HTTP API with the value the test counted; it also loads the
 * shipped alert rules.
 */
class PrometheusScrapeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(45);
  private static final Path ALERTS = OpsFiles.OPS.resolve("prometheus/alerts.yml");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void shouldScrapeTheMetricsServerAndAnswerPromQl() throws Exception {
    Path binary = findPrometheus();
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter predictions =
        Counter.builder().name("oad_detector_predictions_total").register(registry);
    predictions.inc(7);

    try (MetricsServer metrics = MetricsServer.start(registry, "127.0.0.1", 0, () -> true)) {
      int webPort = freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "global:",
              "  scrape_interval: 1s",
              "  evaluation_interval: 1s",
              "rule_files:",
              "  - " + ALERTS,
              "scrape_configs:",
              "  - job_name: oad-detect",
              "    static_configs:",
              "      - targets: ['127.0.0.1:" + metrics.port() + "']",
              ""));
      Path log = dir.resolve("prometheus.log");
      Process prometheus =
          new ProcessBuilder(
                  binary.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + webPort,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        String base = "http://127.0.0.1:" + webPort;
        String query = "oad_detector_predictions_total{job=\"oad-detect\"}";
        assertEquals(7.0, awaitValue(base, query, v -> v == 7.0, prometheus, log));

        predictions.inc(3);
        assertEquals(10.0, awaitValue(base, query, v -> v == 10.0, prometheus, log));
        assertEquals(1.0, awaitValue(base, "up{job=\"oad-detect\"}", v -> true, prometheus, log));

        JsonNode rules = get(base + "/api/v1/rules").path("data").path("groups");
        List<String> groups = new ArrayList<>();
        rules.forEach(g -> groups.add(g.path("name").asText()));
        assertTrue(groups.contains("oad.alerts"), "alert rules loaded: " + groups);

        for (String expr : dashboardQueries()) {
          String promql = expr.replace("$__rate_interval", "1m").replace("$camera", ".*");
          JsonNode answer =
              get(
                  base
                      + "/api/v1/query?query="
                      + URLEncoder.encode(promql, StandardCharsets.UTF_8));
          assertEquals("success", answer.path("status").asText(), promql + ": " + answer);
        }
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  /**
   * Every panel of the shipped dashboard shows data for the running service: {@code oad demo}
   * (ingest, extractor and detector in one process, real clips at capture pace) is scraped by a
   * real Prometheus, and each panel's query returns at least one series (a counter that never moved
   * is exported at 0 for its known labels, so a healthy service has no empty panel).
   */
  @Test
  void shouldAnswerEveryDashboardQueryWithDataOfTheRunningService() throws Exception {
    Path binary = findPrometheus();
    int metricsPort = freePort();
    RoleProcess demo =
        RoleProcess.start(
            dir,
            "demo",
            List.of(
                "demo",
                "--clips",
                SharedClips.weizmann().toString(),
                "--cameras",
                "1",
                "--realtime",
                "--quiet",
                "--data",
                dir.resolve("demo").toString(),
                "--metrics-port",
                String.valueOf(metricsPort)),
            Map.of());
    Process prometheus = null;
    try {
      int webPort = freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "global:",
              "  scrape_interval: 1s",
              "scrape_configs:",
              "  - job_name: oad-demo",
              "    static_configs:",
              "      - targets: ['127.0.0.1:" + metricsPort + "']",
              ""));
      Path log = dir.resolve("prometheus.log");
      prometheus =
          new ProcessBuilder(
                  binary.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + webPort,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      String base = "http://127.0.0.1:" + webPort;
      // predictions flow: the detector's counter moves
      awaitValue(
          base,
          "sum(rate(oad_detector_predictions_total[1m]))",
          v -> v > 0,
          prometheus,
          log,
          Duration.ofSeconds(150));
      Map<String, Integer> empty = new TreeMap<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      List<String> queries = dashboardQueries();
      do {
        empty.clear();
        for (String expr : queries) {
          String promql = expr.replace("$__rate_interval", "1m").replace("$camera", ".*");
          JsonNode answer =
              get(
                  base
                      + "/api/v1/query?query="
                      + URLEncoder.encode(promql, StandardCharsets.UTF_8));
          assertEquals("success", answer.path("status").asText(), promql + ": " + answer);
          if (answer.path("data").path("result").size() == 0) {
            empty.put(promql, 0);
          }
        }
        if (!empty.isEmpty()) {
          Thread.sleep(1000);
        }
      } while (!empty.isEmpty() && System.nanoTime() < deadline);
      System.out.println(
          "PrometheusScrapeIT: " + queries.size() + " dashboard queries, empty: " + empty.keySet());
      assertTrue(
          empty.isEmpty(),
          "dashboard queries without data for the running service: "
              + empty.keySet()
              + "\ndemo log:\n"
              + demo.logTail(2000));
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
      demo.kill();
    }
  }

  /** The PromQL of every panel of the shipped Grafana dashboard. */
  private List<String> dashboardQueries() throws IOException {
    List<String> exprs = new ArrayList<>();
    json.readTree(OpsFiles.OPS.resolve("grafana/dashboards/oad.json").toFile())
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    assertTrue(exprs.size() >= 10, "dashboard queries: " + exprs);
    return exprs;
  }

  /** Polls the query until one sample satisfies {@code accept}; fails with the server's log. */
  private double awaitValue(
      String base, String promql, Predicate<Double> accept, Process prometheus, Path log)
      throws Exception {
    return awaitValue(base, promql, accept, prometheus, log, DEADLINE);
  }

  private double awaitValue(
      String base,
      String promql,
      Predicate<Double> accept,
      Process prometheus,
      Path log,
      Duration timeout)
      throws Exception {
    String url = base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        fail("prometheus exited with " + prometheus.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        JsonNode answer = get(url);
        last = answer.toString();
        JsonNode result = answer.path("data").path("result");
        if (result.size() == 1) {
          double value = result.get(0).path("value").get(1).asDouble();
          if (accept.test(value)) {
            return value;
          }
        }
      } catch (IOException e) {
        last = "not up yet: " + e;
      }
      Thread.sleep(100); // poll interval
    }
    fail("no matching answer to " + promql + " within " + timeout + "; last: " + last);
    return Double.NaN;
  }

  private JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "HTTP " + response.statusCode() + " from " + url + ": " + response.body());
    }
    return json.readTree(response.body());
  }

  private static Path findPrometheus() {
    Optional<Path> found =
        List.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)).stream()
            .map(p -> Path.of(p, "prometheus"))
            .filter(Files::isExecutable)
            .findFirst();
    if (found.isEmpty()) {
      fail(
          "the prometheus binary is not on PATH: install Debian's prometheus package"
              + " (apt-get install -y prometheus); .ci/run installs it when promtool or prometheus is missing");
    }
    return found.get();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
