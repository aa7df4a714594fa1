package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.FrameHeaders;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of a watched camera file with real clips played as live cameras: added cameras start,
 * a changed camera restarts (its sequence starts again at 0), an untouched camera keeps its run
 * (its sequence never restarts), a removed camera stops, an invalid file changes nothing.
 */
class CameraSupervisorTest {
  @TempDir Path tmp;

  private static IngestOptions.Builder defaults() {
    return IngestOptions.builder()
        .optSize(64, 48)
        .optRealtime(true)
        .optReconnect(true)
        .optReconnectBackoff(100, 400);
  }

  private static List<ProducerRecord<String, byte[]>> of(
      MockProducer<String, byte[]> producer, String camera) {
    return producer.history().stream().filter(r -> r.key().equals(camera)).toList();
  }

  private static long seq(ProducerRecord<String, byte[]> r) {
    return FrameHeaders.getLong(r.headers(), FrameHeaders.SEQUENCE);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static String camera(String id, Path clip, String extra) {
    return "camera." + id + ".url = " + clip + "\ncamera." + id + ".loop = true\n" + extra;
  }

  @Test
  void shouldApplyAddedChangedAndRemovedCamerasWithoutTouchingTheOthers() throws Exception {
    Path clip = TestVideos.weizmann("walk/daria_walk.avi");
    Path file = tmp.resolve("cameras.properties");
    Files.writeString(file, camera("a", clip, "") + camera("b", clip, "camera.b.fps = 4\n"));
    MockProducer<String, byte[]> producer = TestVideos.producer();
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestMetrics metrics = new IngestMetrics().register(registry);

    try (CameraSupervisor sup =
        new CameraSupervisor(producer, metrics, ConnectionListener.none())) {
      CameraSupervisor.Changes first =
          sup.watch(file, CameraSupervisorTest::defaults, Duration.ofMillis(100));
      assertEquals(List.of("a", "b"), first.added());
      await(
          "frames of a and b",
          () -> of(producer, "a").size() >= 3 && of(producer, "b").size() >= 3);
      assertEquals(1.0, connected(registry, "a"));

      // b changes its rate, c is added, a stays as it is
      Files.writeString(
          file,
          camera("a", clip, "") + camera("b", clip, "camera.b.fps = 2\n") + camera("c", clip, ""));
      await("first reload", () -> sup.reloads() == 1);
      assertEquals(List.of("a", "b", "c"), List.copyOf(sup.cameras().keySet()));
      assertEquals(2.0, sup.cameras().get("b").targetFps());
      await(
          "b restarted and c started",
          () ->
              of(producer, "b").stream().filter(r -> seq(r) == 0).count() == 2
                  && of(producer, "c").size() >= 2);

      // a is removed
      Files.writeString(file, camera("b", clip, "camera.b.fps = 2\n") + camera("c", clip, ""));
      await("second reload", () -> sup.reloads() == 2);
      Thread.sleep(500); // the frame in hand may still go out
      int aFrames = of(producer, "a").size();
      int cBefore = of(producer, "c").size();

      // an invalid file is rejected and changes nothing
      Files.writeString(file, camera("b", clip, "camera.b.fps = fast\n") + camera("c", clip, ""));
      await("rejection", () -> sup.lastError().isPresent());
      assertTrue(
          sup.lastError().get().contains("cameras.properties:3: camera.b.fps: not a number"),
          sup.lastError().get());
      await("c keeps publishing", () -> of(producer, "c").size() >= cBefore + 4);
      assertEquals(aFrames, of(producer, "a").size(), "a stopped publishing when removed");
      assertEquals(List.of("b", "c"), List.copyOf(sup.cameras().keySet()));
      assertTrue(Double.isNaN(connected(registry, "a")), "a's connection gauge is gone");

      // a never restarted: one run, sequence 0, 1, 2, ... without a gap
      List<ProducerRecord<String, byte[]>> a = of(producer, "a");
      for (int i = 0; i < a.size(); i++) {
        assertEquals(i, seq(a.get(i)), "sequence of the untouched camera a at " + i);
      }
      // the fixed file is applied again and clears the error
      Files.writeString(file, camera("b", clip, "camera.b.fps = 2\n"));
      await("third reload", () -> sup.reloads() == 3);
      assertFalse(sup.lastError().isPresent());
      assertEquals(List.of("b"), List.copyOf(sup.cameras().keySet()));
    }
    int after = producer.history().size();
    Thread.sleep(400);
    assertEquals(after, producer.history().size(), "nothing is published after close");
  }

  private static double connected(PrometheusRegistry registry, String camera) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals(IngestMetrics.CAMERA_CONNECTED))
        .flatMap(s -> ((GaugeSnapshot) s).getDataPoints().stream())
        .filter(p -> camera.equals(p.getLabels().get(IngestMetrics.CAMERA_LABEL)))
        .mapToDouble(GaugeSnapshot.GaugeDataPointSnapshot::getValue)
        .findFirst()
        .orElse(Double.NaN);
  }
}
