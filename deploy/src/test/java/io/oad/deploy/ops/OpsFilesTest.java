package io.oad.deploy.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oad.contract.Topics;
import io.oad.deploy.OadCli;
import io.oad.service.MetricsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Parses every YAML and JSON file under {@code deploy/ops} and checks that they agree with each
 * other and with the code: metrics ports, rule files, mounted folders, topics, probes, and the
 * metric names the dashboard and the alerts read.
 */
class OpsFilesTest {
  /** Ingest has no default metrics port; the deployment files all give it this one. */
  private static final int INGEST_PORT = 9403;

  private static final Map<String, Integer> PORTS = rolePorts();

  private static final Path K8S = OpsFiles.OPS.resolve("k8s");

  private static Map<String, Integer> rolePorts() {
    CommandLine cli = new CommandLine(OadCli.class);
    Map<String, Integer> ports = new HashMap<>();
    for (String role : List.of("demo", "extract", "detect", "ingest")) {
      String value =
          cli.getSubcommands()
              .get(role)
              .getCommandSpec()
              .findOption("--metrics-port")
              .defaultValue();
      ports.put(role, Integer.parseInt(value));
    }
    return ports;
  }

  /** The role's metrics port given the command's arguments (its --metrics-port, else default). */
  private static int portOf(List<String> args) {
    int i = args.indexOf("--metrics-port");
    if (i >= 0) {
      return Integer.parseInt(args.get(i + 1));
    }
    return PORTS.get(args.get(0));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void shouldParseEveryYamlAndJsonFile() {
    List<Path> files = OpsFiles.all();
    assertTrue(files.size() >= 10, "ops files: " + files);
    for (Path file : files) {
      List<JsonNode> docs = OpsFiles.read(file);
      assertFalse(docs.isEmpty(), file + " is empty");
      docs.forEach(d -> assertTrue(d.isObject(), file + ": a document is not a mapping"));
    }
  }

  @Test
  void shouldKnowTheRolesDefaultPorts() {
    assertEquals(Map.of("demo", 9400, "extract", 9401, "detect", 9402, "ingest", -1), PORTS);
  }

  @Test
  void shouldScrapeEveryComposeRoleOnItsPortAndLoadExistingRuleFiles() {
    JsonNode prometheus = OpsFiles.one("prometheus/prometheus.yml");
    JsonNode services = OpsFiles.one("docker-compose.yml").path("services");
    Map<String, String> targets = new HashMap<>();
    prometheus
        .path("scrape_configs")
        .forEach(
            job ->
                targets.put(
                    job.path("job_name").asText(),
                    job.path("static_configs").get(0).path("targets").get(0).asText()));
    assertEquals(Set.of("oad-ingest", "oad-extract", "oad-detect", "oad-demo"), targets.keySet());
    assertTrue(targets.get("oad-demo").endsWith(":" + PORTS.get("demo")), targets.toString());

    for (String role : List.of("ingest", "extract", "detect")) {
      JsonNode service = services.path(role);
      List<String> command = strings(service.path("command"));
      assertEquals(role, command.get(0), "compose service " + role + " runs its role");
      int port = portOf(command);
      assertTrue(port > 0, role + " serves metrics in compose");
      assertEquals(role + ":" + port, targets.get("oad-" + role), "prometheus target of " + role);
      assertTrue(
          strings(service.path("ports")).contains(port + ":" + port),
          "compose publishes " + role + "'s port " + port);
      assertTrue(
          service.path("healthcheck").path("test").toString().contains("/127.0.0.1/" + port),
          role + " healthcheck probes its metrics port");
    }
    assertEquals(INGEST_PORT, portOf(strings(services.path("ingest").path("command"))));

    List<String> ruleFiles = strings(prometheus.path("rule_files"));
    assertFalse(ruleFiles.isEmpty());
    for (String rules : ruleFiles) {
      assertTrue(Files.isRegularFile(OpsFiles.OPS.resolve("prometheus").resolve(rules)), rules);
    }
  }

  @Test
  void shouldMountFoldersThatExist() {
    JsonNode services = OpsFiles.one("docker-compose.yml").path("services");
    List<String> checked = new ArrayList<>();
    services.forEach(
        service ->
            service
                .path("volumes")
                .forEach(
                    v -> {
                      String source = v.asText().split(":")[0];
                      if (source.startsWith("./")) {
                        assertTrue(Files.exists(OpsFiles.OPS.resolve(source)), source);
                        checked.add(source);
                      }
                    }));
    assertTrue(checked.contains("./prometheus"), checked.toString());
    assertTrue(checked.contains("./grafana/provisioning"), checked.toString());
    assertTrue(
        services.path("kafka").path("image").asText().startsWith("apache/kafka:4."),
        "KRaft Kafka 4 image");

    JsonNode provider = OpsFiles.one("grafana/provisioning/dashboards/oad.yml").path("providers");
    String dashboardsPath = provider.get(0).path("options").path("path").asText();
    assertTrue(
        strings(services.path("grafana").path("volumes"))
            .contains("./grafana/dashboards:" + dashboardsPath + ":ro"),
        "grafana mounts the dashboards where the provider reads them");
    JsonNode datasource =
        OpsFiles.one("grafana/provisioning/datasources/prometheus.yml").path("datasources").get(0);
    assertEquals("http://prometheus:9090", datasource.path("url").asText());
    assertTrue(services.has("prometheus"));
    String uid = datasource.path("uid").asText();
    OpsFiles.one("grafana/dashboards/oad.json")
        .path("panels")
        .forEach(p -> assertEquals(uid, p.path("datasource").path("uid").asText()));
    // Grafana lays panels out on a 24-column grid of whole numbers; unique ids, no overlap
    Set<Integer> ids = new HashSet<>();
    Set<String> cells = new HashSet<>();
    OpsFiles.one("grafana/dashboards/oad.json")
        .path("panels")
        .forEach(
            p -> {
              String title = p.path("title").asText();
              assertTrue(ids.add(p.path("id").asInt()), "panel id repeated: " + title);
              JsonNode g = p.path("gridPos");
              for (String k : List.of("h", "w", "x", "y")) {
                assertTrue(g.path(k).isInt(), "gridPos." + k + " of '" + title + "': " + g);
              }
              assertTrue(g.get("x").asInt() + g.get("w").asInt() <= 24, "too wide: " + title);
              for (int x = g.get("x").asInt(); x < g.get("x").asInt() + g.get("w").asInt(); x++) {
                for (int y = g.get("y").asInt(); y < g.get("y").asInt() + g.get("h").asInt(); y++) {
                  assertTrue(cells.add(x + "," + y), "'" + title + "' overlaps another panel");
                }
              }
            });
  }

  @Test
  void shouldProbeAndExposeTheRolesPortsInKubernetes() {
    Map<String, JsonNode> workloads = new HashMap<>();
    List<JsonNode> services = new ArrayList<>();
    Map<String, Integer> partitions = new HashMap<>();
    for (Path file : OpsFiles.all()) {
      if (!file.startsWith(OpsFiles.OPS.resolve("k8s"))) {
        continue;
      }
      for (JsonNode doc : OpsFiles.read(file)) {
        String kind = doc.path("kind").asText();
        String component =
            doc.path("metadata").path("labels").path("app.kubernetes.io/component").asText();
        switch (kind) {
          case "Deployment", "StatefulSet" -> workloads.put(component, doc);
          case "Service" -> services.add(doc);
          case "KafkaTopic" ->
              partitions.put(
                  doc.path("spec").path("topicName").asText(),
                  doc.path("spec").path("partitions").asInt());
          default -> {}
        }
      }
    }
    assertEquals(
        Set.of(
            Topics.FRAMES, Topics.EMBEDDINGS, Topics.PREDICTIONS, Topics.EVENTS, Topics.DEADLETTER),
        partitions.keySet());
    partitions.forEach((topic, n) -> assertTrue(n >= 4, topic + " has " + n + " partitions"));

    assertEquals(Set.of("ingest", "extract", "detect"), workloads.keySet());
    assertEquals("Deployment", workloads.get("ingest").path("kind").asText());
    assertEquals("StatefulSet", workloads.get("extract").path("kind").asText(), "exactly once");
    assertEquals("StatefulSet", workloads.get("detect").path("kind").asText());

    Map<String, Integer> rolePorts = new HashMap<>();
    workloads.forEach(
        (role, doc) -> {
          JsonNode container =
              doc.path("spec").path("template").path("spec").path("containers").get(0);
          List<String> args = strings(container.path("args"));
          assertEquals(role, args.get(0));
          int port = portOf(args);
          rolePorts.put(role, port);
          JsonNode named = container.path("ports").get(0);
          assertEquals("metrics", named.path("name").asText());
          assertEquals(port, named.path("containerPort").asInt(), role + " containerPort");
          assertEquals(
              "/readyz", container.path("readinessProbe").path("httpGet").path("path").asText());
          assertEquals(
              "/healthz", container.path("livenessProbe").path("httpGet").path("path").asText());
          assertEquals(
              "metrics", container.path("readinessProbe").path("httpGet").path("port").asText());
          assertEquals(
              "metrics", container.path("livenessProbe").path("httpGet").path("port").asText());
        });
    assertEquals(PORTS.get("extract"), rolePorts.get("extract"));
    assertEquals(PORTS.get("detect"), rolePorts.get("detect"));
    assertEquals(INGEST_PORT, rolePorts.get("ingest"));

    JsonNode detect = workloads.get("detect");
    List<String> detectArgs =
        strings(
            detect
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("args"));
    String stateDir = detectArgs.get(detectArgs.indexOf("--state-dir") + 1);
    String claim =
        detect
            .path("spec")
            .path("volumeClaimTemplates")
            .get(0)
            .path("metadata")
            .path("name")
            .asText();
    boolean mounted = false;
    for (JsonNode m :
        detect
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0)
            .path("volumeMounts")) {
      mounted |=
          m.path("name").asText().equals(claim) && m.path("mountPath").asText().equals(stateDir);
    }
    assertTrue(mounted, "the state dir " + stateDir + " is the PVC " + claim);

    Set<String> served = new TreeSet<>();
    for (JsonNode service : services) {
      String role =
          service.path("spec").path("selector").path("app.kubernetes.io/component").asText();
      assertEquals(
          rolePorts.get(role).intValue(),
          service.path("spec").path("ports").get(0).path("port").asInt(),
          "service port of " + role);
      served.add(role);
    }
    assertEquals(new TreeSet<>(rolePorts.keySet()), served);
  }

  /** Every Kubernetes document under {@code k8s/} but the kustomization, by kind and name. */
  private static Map<String, JsonNode> k8sObjects() {
    Map<String, JsonNode> objects = new TreeMap<>();
    for (Path file : OpsFiles.all()) {
      if (file.startsWith(K8S) && !file.getFileName().toString().equals("kustomization.yaml")) {
        for (JsonNode doc : OpsFiles.read(file)) {
          objects.put(idOf(doc), doc);
        }
      }
    }
    return objects;
  }

  private static String idOf(JsonNode doc) {
    return doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
  }

  private static JsonNode container(JsonNode workload) {
    return workload.path("spec").path("template").path("spec").path("containers").get(0);
  }

  /**
   * The container's environment as the pod {@code pod} sees it: plain values, and the downward
   * API's {@code metadata.name} as the pod name; any other reference fails the test.
   */
  private static Map<String, String> envOf(JsonNode workload, String pod) {
    Map<String, String> env = new TreeMap<>();
    for (JsonNode e : container(workload).path("env")) {
      String name = e.path("name").asText();
      if (e.has("value")) {
        env.put(name, e.path("value").asText());
      } else {
        assertEquals(
            "metadata.name",
            e.path("valueFrom").path("fieldRef").path("fieldPath").asText(),
            name + " comes from the pod name");
        env.put(name, pod);
      }
    }
    return env;
  }

  /** The role configuration a pod loads: the ConfigMap's oad.properties and its environment. */
  private static OadConfig configOf(JsonNode workload, String pod) throws Exception {
    Properties file = new Properties();
    file.load(
        new StringReader(
            k8sObjects().get("ConfigMap/oad-config").path("data").path("oad.properties").asText()));
    Map<String, String> values = new TreeMap<>();
    file.stringPropertyNames().forEach(k -> values.put(k, file.getProperty(k)));
    return OadConfig.of(values, "oad.properties", envOf(workload, pod));
  }

  @Test
  void shouldRunTheExtractorExactlyOnceWithThePodNameAsTransactionalId() throws Exception {
    Map<String, JsonNode> objects = k8sObjects();
    JsonNode extract = objects.get("StatefulSet/oad-extract");
    assertTrue(extract != null, "extract is a StatefulSet: " + objects.keySet());
    assertEquals("oad-extract-1", configOf(extract, "oad-extract-1").extractTransactionalId());
    assertEquals("oad-extract-0", configOf(extract, "oad-extract-0").extractTransactionalId());
    // the StatefulSet's service exists, is headless and selects the extractor
    JsonNode service = objects.get("Service/" + extract.path("spec").path("serviceName").asText());
    assertTrue(service != null, "the extractor's governing service");
    assertEquals("None", service.path("spec").path("clusterIP").asText());
    assertEquals(
        extract.path("spec").path("selector").path("matchLabels"),
        service.path("spec").path("selector"));
    assertEquals(
        "0.0.0.0",
        configOf(extract, "oad-extract-0").metricsBindAddress(),
        "probes reach the pod's IP");
  }

  @Test
  void shouldGiveDetectsStreamsMainConsumerTheStaticMemberIdOfItsPod() throws Exception {
    JsonNode detect = k8sObjects().get("StatefulSet/oad-detect");
    OadConfig oad = configOf(detect, "oad-detect-1");
    Map<String, Object> streams = new HashMap<>(oad.kafkaProperties());
    streams.put(StreamsConfig.APPLICATION_ID_CONFIG, "oad-detector");
    streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, oad.bootstrapServers());
    StreamsConfig config = new StreamsConfig(streams);
    // Streams suffixes the thread number, so every thread of every pod is its own static member
    assertEquals(
        "oad-detect-1-2",
        config
            .getMainConsumerConfigs("oad-detector", "c", 2)
            .get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    assertFalse(
        config.getRestoreConsumerConfigs("c").containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    // the live page's consumer in the same process is not a static member
    assertFalse(
        oad.kafkaClientProperties("consumer.")
            .containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    assertFalse(
        oad.kafkaClientProperties("producer.")
            .containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
  }

  @Test
  void shouldBudgetDisruptionsOfTheScaledRolesOnly() {
    Map<String, JsonNode> objects = k8sObjects();
    Map<String, JsonNode> budgets = new TreeMap<>();
    objects.forEach(
        (id, doc) -> {
          if (doc.path("kind").asText().equals("PodDisruptionBudget")) {
            assertEquals("policy/v1", doc.path("apiVersion").asText(), id);
            budgets.put(
                doc.path("metadata").path("labels").path("app.kubernetes.io/component").asText(),
                doc);
          }
        });
    assertEquals(Set.of("extract", "detect"), budgets.keySet(), "ingest: one pod per camera");
    budgets.forEach(
        (role, pdb) -> {
          JsonNode workload = objects.get("StatefulSet/oad-" + role);
          assertEquals(
              workload.path("spec").path("selector").path("matchLabels"),
              pdb.path("spec").path("selector").path("matchLabels"),
              "the budget of " + role + " covers its pods");
          assertEquals(1, pdb.path("spec").path("maxUnavailable").asInt(), role);
          assertTrue(workload.path("spec").path("replicas").asInt() > 1, role + " has spares");
        });
  }

  @Test
  void shouldListEveryManifestInTheKustomization() throws Exception {
    Set<String> files = new TreeSet<>();
    try (var list = Files.list(K8S)) {
      list.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
          .forEach(files::add);
    }
    assertEquals(
        files, new TreeSet<>(strings(OpsFiles.one("k8s/kustomization.yaml").path("resources"))));
  }

  /** {@code kubectl kustomize} (Debian: kubernetes-client) renders exactly the files' objects. */
  @Test
  void shouldRenderWithKubectlKustomize(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("rendered.yaml");
    Path err = tmp.resolve("kubectl.err");
    Process p;
    try {
      p =
          new ProcessBuilder("kubectl", "kustomize", K8S.toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "kubectl is needed to render deploy/ops/k8s (Debian package kubernetes-client)", e);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize took over a minute");
    assertEquals(0, p.exitValue(), "kubectl kustomize failed: " + Files.readString(err));
    Map<String, JsonNode> rendered = new TreeMap<>();
    for (JsonNode doc : OpsFiles.read(out)) {
      assertTrue(rendered.put(idOf(doc), doc) == null, "rendered twice: " + idOf(doc));
    }
    Map<String, JsonNode> objects = k8sObjects();
    assertEquals(objects.keySet(), rendered.keySet());
    assertTrue(rendered.size() >= 15, rendered.keySet().toString());
    // rendered as written: the kustomization adds nothing to, and drops nothing from, the objects
    objects.forEach((id, doc) -> assertEquals(doc, rendered.get(id), id));
  }

  @Test
  void shouldReadOnlyMetricsTheServiceExports() throws Exception {
    Set<String> known = new TreeSet<>(OpsFiles.readmeMetricNames());
    assertTrue(
        known.contains("oad_detector_capture_to_prediction_seconds_bucket"), known.toString());
    known.addAll(jvmMetricNames());

    JsonNode dashboard = OpsFiles.one("grafana/dashboards/oad.json");
    List<String> exprs = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    assertTrue(exprs.size() >= 10, "dashboard queries: " + exprs);
    Set<String> used = new TreeSet<>();
    for (String expr : exprs) {
      Set<String> names = OpsFiles.metricNames(expr);
      assertFalse(names.isEmpty(), "no metric in " + expr);
      for (String name : names) {
        assertTrue(known.contains(name), "dashboard reads '" + name + "', not exported: " + expr);
        used.add(name);
      }
    }
    assertTrue(used.stream().anyMatch(n -> n.startsWith("jvm_memory")), "JVM memory panel");

    Set<String> recorded = new TreeSet<>();
    List<String> alertExprs = new ArrayList<>();
    OpsFiles.one("prometheus/alerts.yml")
        .path("groups")
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r -> {
                          if (r.has("record")) {
                            recorded.add(r.path("record").asText());
                          }
                          alertExprs.add(r.path("expr").asText());
                        }));
    for (String expr : alertExprs) {
      for (String name : OpsFiles.metricNames(expr)) {
        assertTrue(
            known.contains(name) || recorded.contains(name) || name.equals("up"),
            "alert rule reads '" + name + "': " + expr);
      }
    }
  }

  @Test
  void shouldFindMetricNamesInPromQl() {
    assertEquals(
        Set.of("a_bucket"),
        OpsFiles.metricNames(
            "histogram_quantile(0.99, sum by (le, camera) (rate(a_bucket{camera=~\"$camera\"}[$__rate_interval])))"));
    assertEquals(
        Set.of("x_total", "y_total"),
        OpsFiles.metricNames("sum(rate(x_total[1m])) == 0 and on() sum(rate(y_total[1m])) > 0"));
  }

  /** The names the JVM metrics of a real MetricsServer expose. */
  private static Set<String> jvmMetricNames() throws Exception {
    Set<String> names = new TreeSet<>();
    try (MetricsServer server = MetricsServer.start(new PrometheusRegistry(), "127.0.0.1", 0)) {
      String text =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (String line : text.split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          names.add(line.split("[{ ]")[0]);
        }
      }
    }
    assertTrue(names.contains("jvm_memory_used_bytes"), names.toString());
    return names;
  }
}
