package io.oad.deploy.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class ConfigCommandTest {
  @TempDir Path dir;

  /** A role-like command: one option that the configuration can also set. */
  @Command(name = "role")
  static final class RoleCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092")
    String bootstrap;

    @Mixin ConfigOptions configOptions;

    String effective;

    RoleCommand(Map<String, String> env) {
      configOptions = new ConfigOptions(() -> env);
    }

    @Override
    public Integer call() {
      effective =
          configOptions.pick("--bootstrap", bootstrap, configOptions.load().bootstrapServers());
      return 0;
    }
  }

  @Test
  void shouldLetTheCommandLineWinOverEnvironmentAndFile() throws Exception {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "bootstrap.servers=file:9092\n");
    Map<String, String> env = Map.of("OAD_BOOTSTRAP_SERVERS", "env:9092");

    RoleCommand fromEnv = new RoleCommand(env);
    assertEquals(0, new CommandLine(fromEnv).execute("--config", file.toString()));
    assertEquals("env:9092", fromEnv.effective);

    RoleCommand fromFile = new RoleCommand(Map.of());
    new CommandLine(fromFile).execute("--config", file.toString());
    assertEquals("file:9092", fromFile.effective);

    RoleCommand fromCli = new RoleCommand(env);
    new CommandLine(fromCli).execute("--config", file.toString(), "--bootstrap", "cli:9092");
    assertEquals("cli:9092", fromCli.effective);
  }

  @Test
  void shouldPrintTheEffectiveConfigurationMasked() throws Exception {
    Path file = dir.resolve("oad.properties");
    Files.writeString(
        file, "kafka.sasl.jaas.config=Login required password=\"s3cr3t\";\nmetrics.port=9500\n");
    ConfigCommand command = new ConfigCommand();
    command.options = new ConfigOptions(() -> Map.of("OAD_BOOTSTRAP_SERVERS", "k:9092"));
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("--config", file.toString()));
    String text = out.toString();
    assertTrue(text.contains("bootstrap.servers=k:9092  # env OAD_BOOTSTRAP_SERVERS"), text);
    assertTrue(text.contains("kafka.sasl.jaas.config=******"), text);
    assertTrue(text.contains("metrics.port=9500  # file " + file), text);
    assertFalse(text.contains("s3cr3t"), text);
  }
}
