package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oad ingest --cameras FILE}: wrong use and a bad camera file stop it with a clear message.
 */
class IngestCamerasCommandTest {
  @TempDir Path dir;

  private static String fails(String... args) {
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
    return message;
  }

  @Test
  void shouldRefuseAMissingFileMixedArgumentsAndNoCamerasAtAll() throws Exception {
    assertTrue(
        fails("ingest", "--cameras", dir.resolve("nope.properties").toString())
            .contains("camera file not found"));
    Path file = Files.writeString(dir.resolve("cams.properties"), "camera.a.url = /v.avi\n");
    assertTrue(
        fails("ingest", "--cameras", file.toString(), "-c", "x").contains("one or the other"));
    assertTrue(fails("ingest").contains("--cameras FILE"));
  }

  @Test
  void shouldRefuseAnInvalidCameraFileNamingLineAndKey() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("cams.properties"), "camera.a.url = /v.avi\ncamera.a.size = big\n");
    String message = fails("ingest", "--bootstrap", "127.0.0.1:1", "--cameras", file.toString());
    assertTrue(message.contains("cams.properties:2: camera.a.size"), message);
  }

  @Test
  void shouldReadAYamlCameraFileWithTheSameChecks() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("cams.yaml"), "cameras:\n  a:\n    url: /v.avi\n    size: big\n");
    String message = fails("ingest", "--bootstrap", "127.0.0.1:1", "--cameras", file.toString());
    assertTrue(message.contains("cams.yaml:4: cameras.a.size: expected WxH"), message);
  }
}
