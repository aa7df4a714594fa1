package io.oad.deploy.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.deploy.OadCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The roles read {@code --config} before they touch Kafka or a model, and stop on a bad key. */
class RoleConfigWiringTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"extract", "detect", "ingest", "alert"})
  void shouldRefuseABadKeyAtStartNamingIt(String role) throws Exception {
    Path file = dir.resolve("oad.properties");
    Files.writeString(file, "kafka.sasl.mechanizm=PLAIN\n");
    String[] args =
        role.equals("ingest")
            ? new String[] {role, "--config", file.toString(), "-c", "cam-1", "no-such.avi"}
            : new String[] {role, "--config", file.toString()};
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = OadCli.run(args);
    } finally {
      System.setErr(saved);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, message);
    assertTrue(message.contains("'kafka.sasl.mechanizm'"), message);
    assertTrue(message.contains("file " + file), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--workers=0", "--workers=65", "env"})
  void shouldRefuseAnOutOfRangeWorkerCountNamingTheKey(String given) throws Exception {
    Path file = dir.resolve("oad.properties");
    Files.writeString(file, given.equals("env") ? "extract.workers=0\n" : "");
    String[] args =
        given.equals("env")
            ? new String[] {"extract", "--config", file.toString(), "--metrics-port", "-1"}
            : new String[] {"extract", "--config", file.toString(), "--metrics-port", "-1", given};
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = OadCli.run(args);
    } finally {
      System.setErr(saved);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, message);
    assertTrue(message.contains("extract.workers"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "extract", "detect", "ingest", "alert"})
  void shouldBindTheHttpEndpointsToLoopbackUnlessToldOtherwise(String role) {
    picocli.CommandLine cli = new picocli.CommandLine(OadCli.class).getSubcommands().get(role);
    assertEquals(
        "127.0.0.1", cli.getCommandSpec().findOption("--bind-address").defaultValue(), role);
    HttpOptions http = new HttpOptions();
    new picocli.CommandLine(http).parseArgs();
    ConfigOptions none = new ConfigOptions(java.util.Map::of);
    assertEquals("127.0.0.1", http.bindAddress(none, none.load()));
    ConfigOptions env =
        new ConfigOptions(() -> java.util.Map.of("OAD_METRICS_BIND_ADDRESS", "0.0.0.0"));
    assertEquals("0.0.0.0", http.bindAddress(env, env.load()), "the key opens it (containers)");
  }
}
