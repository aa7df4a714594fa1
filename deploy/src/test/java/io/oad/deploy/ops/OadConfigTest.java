package io.oad.deploy.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.topology.DetectConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OadConfigTest {
  @TempDir Path dir;

  @Test
  void shouldPreferEnvironmentOverFileOverDefault() throws Exception {
    Path file = dir.resolve("oad.properties");
    Files.writeString(
        file,
        "bootstrap.servers=file-broker:9092\nmetrics.port=9501\nextract.group.id=from-file\n");

    OadConfig defaults = OadConfig.of(Map.of(), null, Map.of());
    assertEquals(OadConfig.DEFAULT_BOOTSTRAP_SERVERS, defaults.bootstrapServers());
    assertNull(defaults.metricsPort(), "unset: the role's own default");

    OadConfig fromFile = OadConfig.load(file, Map.of());
    assertEquals("file-broker:9092", fromFile.bootstrapServers());
    assertEquals(9501, fromFile.metricsPort());
    assertEquals("file " + file, fromFile.sourceOf("bootstrap.servers"));

    OadConfig both =
        OadConfig.load(
            file, Map.of("OAD_BOOTSTRAP_SERVERS", "env-broker:9093", "PATH", "/usr/bin"));
    assertEquals("env-broker:9093", both.bootstrapServers());
    assertEquals("env OAD_BOOTSTRAP_SERVERS", both.sourceOf("bootstrap.servers"));
    assertEquals("from-file", both.extractGroupId(), "keys the env does not set stay the file's");
    assertEquals("default", both.sourceOf("detect.state.dir"));
  }

  @Test
  void shouldMapEnvironmentNamesToKeys() {
    assertEquals("bootstrap.servers", OadConfig.envToKey("OAD_BOOTSTRAP_SERVERS"));
    assertEquals("kafka.sasl.jaas.config", OadConfig.envToKey("OAD_KAFKA_SASL_JAAS_CONFIG"));
    assertThrows(IllegalArgumentException.class, () -> OadConfig.envToKey("BOOTSTRAP"));
  }

  @Test
  void shouldIgnoreTheLaunchersOwnVariables() {
    OadConfig config =
        OadConfig.of(Map.of(), null, Map.of("OAD_JAVA_OPTS", "-Xmx1g", "OAD_REBUILD", "1"));
    assertEquals(OadConfig.DEFAULT_BOOTSTRAP_SERVERS, config.bootstrapServers());
  }

  @Test
  void shouldReadTheDetectRolesKeysUnderDetectLikeTheOtherRoles() {
    OadConfig config =
        OadConfig.of(
            Map.of("detect.step.emit", "last", "detect.batch.max", "8"),
            "oad.properties",
            Map.of("OAD_DETECT_EVENT_START_THRESHOLD", "0.7"));
    Map<String, Object> detect = config.detectProperties();
    assertEquals("last", detect.get("detect.step.emit"));
    assertEquals("8", detect.get("detect.batch.max"));
    assertEquals("0.7", detect.get("detect.event.start.threshold"));
    assertFalse(config.kafkaProperties().containsKey("detect.step.emit"));
    DetectConfig topology = DetectConfig.builder().properties(detect).build();
    assertEquals(8, topology.getInt(DetectConfig.DETECT_BATCH_MAX_CONFIG));
    assertTrue(config.describe().stream().anyMatch(l -> l.startsWith("detect.batch.max=8")));
  }

  @Test
  void shouldRefuseABadDetectValueAndTheOldSpellingNamingTheNewKey() {
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.of(Map.of("detect.batch.max", "0"), "oad.properties", Map.of()));
    assertTrue(bad.getMessage().contains("detect.batch.max"), bad.getMessage());

    ConfigException old =
        assertThrows(
            ConfigException.class,
            () ->
                OadConfig.of(
                    Map.of("kafka.oad.detect.batch.max", "8"), "oad.properties", Map.of()));
    assertTrue(old.getMessage().contains("write 'detect.batch.max'"), old.getMessage());
    ConfigException oldEnv =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.of(Map.of(), null, Map.of("OAD_KAFKA_OAD_STEP_EMIT", "last")));
    assertTrue(oldEnv.getMessage().contains("write 'detect.step.emit'"), oldEnv.getMessage());
  }

  @Test
  void shouldPassKafkaSettingsThroughWithoutThePrefix() {
    OadConfig config =
        OadConfig.of(
            Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.producer.linger.ms", "50",
                "kafka.consumer.max.poll.records", "10"),
            "oad.properties",
            Map.of("OAD_KAFKA_SASL_JAAS_CONFIG", "org.example.Login required;"));
    Map<String, Object> all = config.kafkaProperties();
    assertEquals("SASL_SSL", all.get("security.protocol"));
    assertEquals("org.example.Login required;", all.get("sasl.jaas.config"));
    assertEquals("10", all.get("consumer.max.poll.records"));

    Map<String, Object> producer = config.kafkaClientProperties("producer.");
    assertEquals("50", producer.get("linger.ms"));
    assertEquals("SCRAM-SHA-512", producer.get("sasl.mechanism"));
    assertFalse(producer.containsKey("max.poll.records"), "consumer-only keys stay out");
    assertFalse(producer.containsKey("consumer.max.poll.records"));
  }

  @Test
  void shouldNameAnUnknownKeyAndWhereItCameFrom() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.of(Map.of(), null, Map.of("OAD_BOOTSTRAP_SERVER", "x:1")));
    assertTrue(e.getMessage().contains("'bootstrap.server'"), e.getMessage());
    assertTrue(e.getMessage().contains("env OAD_BOOTSTRAP_SERVER"), e.getMessage());
    assertTrue(e.getMessage().contains("bootstrap.servers"), "lists the known keys");
  }

  @Test
  void shouldNameAnUnknownKafkaSetting() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.of(Map.of("kafka.sasl.mechanizm", "PLAIN"), "my.properties", Map.of()));
    assertTrue(e.getMessage().contains("'kafka.sasl.mechanizm'"), e.getMessage());
    assertTrue(e.getMessage().contains("file my.properties"), e.getMessage());
  }

  @Test
  void shouldNameAKafkaSettingWithABadValue() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.of(Map.of("kafka.security.protocol", "SASL_SSLX"), "f", Map.of()));
    assertTrue(e.getMessage().contains("'kafka.security.protocol'"), e.getMessage());

    ConfigException type =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.of(Map.of(), null, Map.of("OAD_KAFKA_LINGER_MS", "soon")));
    assertTrue(type.getMessage().contains("'kafka.linger.ms'"), type.getMessage());
  }

  @Test
  void shouldNameARoleKeyWithABadValue() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.of(Map.of("metrics.port", "70000"), "f", Map.of()));
    assertTrue(e.getMessage().contains("metrics.port"), e.getMessage());
  }

  @Test
  void shouldRefuseKafkaBootstrapServers() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.of(Map.of("kafka.bootstrap.servers", "a:1"), "f", Map.of()));
    assertTrue(e.getMessage().contains("set bootstrap.servers instead"), e.getMessage());
  }

  @Test
  void shouldFailOnAMissingNamedFile() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.load(dir.resolve("absent.properties"), Map.of()));
    assertTrue(e.getMessage().contains("absent.properties"), e.getMessage());
  }

  @Test
  void shouldMaskSecretsWhenDescribing() {
    OadConfig config =
        OadConfig.of(
            Map.of(
                "kafka.ssl.truststore.password", "hunter2",
                "kafka.sasl.jaas.config", "Login required password=\"p4ss\";",
                "kafka.ssl.keystore.location", "/etc/ks.p12",
                "kafka.sasl.oauthbearer.token.endpoint.url", "https://idp/token",
                "kafka.security.protocol", "SASL_SSL"),
            "f",
            Map.of());
    List<String> lines = config.describe();
    String text = String.join("\n", lines);
    assertFalse(text.contains("hunter2"), text);
    assertFalse(text.contains("p4ss"), text);
    assertFalse(text.contains("https://idp/token"), text);
    assertTrue(text.contains("kafka.ssl.truststore.password=******  # file f"), text);
    assertTrue(text.contains("kafka.security.protocol=SASL_SSL  # file f"), text);
    assertTrue(text.contains("bootstrap.servers=127.0.0.1:9092  # default"), text);
    assertTrue(text.contains("metrics.port=(role default)  # default"), text);
    assertTrue(OadConfig.isSecret("ssl.key.password"));
    assertTrue(OadConfig.isSecret("client.SECRET"));
    assertFalse(OadConfig.isSecret("bootstrap.servers"));
  }
}
