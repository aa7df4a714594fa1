package io.oad.it;

import io.oad.deploy.OadCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An {@code oad} role ({@code extract}, {@code detect}) in its own JVM with this test's classpath,
 * for tests that kill a role with SIGKILL. Output goes to a log file named after the instance.
 */
final class RoleProcess {
  private final String name;
  private final Process process;
  private final Path log;

  private RoleProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code oad <args>} in a new JVM.
   *
   * @param dir folder for the log ({@code <name>.log}) and the {@code oad.home} ({@code home/})
   * @param env extra environment variables (e.g. {@code OAD_KAFKA_*} settings)
   */
  static RoleProcess start(Path dir, String name, List<String> args, Map<String, String> env)
      throws IOException {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-Doad.home=" + home);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(OadCli.class.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.environment().putAll(env);
    Path log = dir.resolve(name + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new RoleProcess(name, pb.start(), log);
  }

  /** The instance name given at start. */
  String name() {
    return name;
  }

  /** Whether the JVM still runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no leave-group, no transaction abort. Waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /**
   * SIGTERM: shutdown hooks run (a graceful stop). Waits up to {@code seconds} for the JVM to end;
   * returns its exit code, or -1 when it still runs.
   */
  int terminate(long seconds) throws InterruptedException {
    process.destroy();
    return process.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)
        ? process.exitValue()
        : -1;
  }

  /** The process output so far (for assertion messages). */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The last {@code n} characters of the log. */
  String logTail(int n) {
    String s = log();
    return s.length() <= n ? s : s.substring(s.length() - n);
  }
}
