package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.deploy.OadCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oad demo} in a clone without the data folder: it says where to get the videos and runs on
 * its own.
 */
@Tag("integration")
class DemoCommandIT {
  @TempDir Path tmp;

  @Test
  void shouldRunOnARenderedVideoWhenNoClipsFolderExists() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc =
          OadCli.run(
              "demo",
              "--clips",
              tmp.resolve("nowhere").toString(),
              "--data",
              tmp.resolve("demo").toString(),
              "--metrics-port",
              "-1");
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, out);
    assertTrue(out.contains("No clips folder") && out.contains("Weizmann"), out);
    Matcher m = Pattern.compile("predictions (\\d+) in").matcher(out);
    assertTrue(m.find(), out);
    long predictions = Long.parseLong(m.group(1));
    Matcher published =
        Pattern.compile("ingest  cam-1: \\d+ frames read, (\\d+) published").matcher(out);
    assertTrue(published.find(), out);
    assertEquals(
        Long.parseLong(published.group(1)), predictions, "one prediction per published frame");
    assertTrue(predictions >= 100, "30 s of video at 4 steps/s: " + predictions);
    assertTrue(
        out.lines().filter(l -> l.startsWith("cam-1 ") && !l.contains(" EVENT ")).count()
            == predictions,
        "one line per prediction");
  }
}
