package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code oad alert} refuses a bad or missing webhook at once, before any Kafka client. */
class AlertCommandTest {
  private static String run(int expectedExit, String... args) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    long start = System.nanoTime();
    int exit;
    // a port nobody listens on: a Kafka client would retry for a long time there
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    String[] all = new String[args.length + 4];
    all[0] = "alert";
    all[1] = "--bootstrap";
    all[2] = "127.0.0.1:" + deadPort;
    all[3] = "--metrics-port=-1";
    System.arraycopy(args, 0, all, 4, args.length);
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = OadCli.run(all);
    } finally {
      System.setErr(old);
    }
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(expectedExit, exit, text);
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused at once");
    assertTrue(!text.contains("Kafka") && !text.contains("kafka"), "never reached Kafka: " + text);
    return text;
  }

  @Test
  void shouldExitTwoOnABadWebhookUrl() throws Exception {
    String text = run(2, "--webhook", "ftp://files.example/hook");
    assertTrue(text.contains("oad alert: bad webhook URL 'ftp://files.example/hook'"), text);
    assertTrue(text.contains("http or https"), text);
    text = run(2, "--webhook", "http://exa mple.com/");
    assertTrue(text.contains("bad webhook URL"), text);
  }

  @Test
  void shouldExitTwoWithoutAWebhook() throws Exception {
    String text = run(2);
    assertTrue(text.contains("no webhook: give --webhook URL or set alert.webhook.url"), text);
  }

  @Test
  void shouldExitTwoOnAnUnknownEventType() throws Exception {
    String text = run(2, "--webhook", "http://127.0.0.1:1/hook", "--types", "ACTION_STARTED,NOPE");
    assertTrue(text.contains("unknown event type 'NOPE'"), text);
  }
}
