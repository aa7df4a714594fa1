package io.oad.datasets.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script with numpy to write real pickles for the tests. The interpreter is {@code
 * /usr/bin/python3} (Debian's, with python3-numpy; {@code .ci/run} installs it) unless {@code
 * -Doad.python=...} names another. A missing interpreter or numpy fails the test: it is not
 * skipped.
 */
public final class Python {
  private Python() {}

  /** The interpreter the tests use. */
  public static String interpreter() {
    return System.getProperty("oad.python", "/usr/bin/python3");
  }

  /** Runs {@code script} in {@code dir} with {@code args}; fails the test with its output. */
  public static void run(Path dir, String script, String... args)
      throws IOException, InterruptedException {
    String python = interpreter();
    if (!Files.isExecutable(Path.of(python))) {
      fail(
          python
              + " is missing: these tests write real pickles with Python and numpy (install Debian's"
              + " python3-numpy, as .ci/run does, or pass -Doad.python=/path/to/python3)");
    }
    Path file = dir.resolve("make_pickles.py");
    Files.writeString(file, script);
    List<String> cmd = new ArrayList<>(List.of(python, file.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(python + " did not finish within 120 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (out.contains("No module named 'numpy'")) {
      fail(python + " has no numpy (install Debian's python3-numpy, as .ci/run does): " + out);
    }
    assertEquals(0, p.exitValue(), python + " failed: " + out);
  }
}
