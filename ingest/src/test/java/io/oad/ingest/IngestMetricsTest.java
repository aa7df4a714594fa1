package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {
  private static MetricSnapshot snapshot(PrometheusRegistry registry, String name) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("metric not registered: " + name));
  }

  private static double counter(PrometheusRegistry registry, String name, String camera) {
    CounterSnapshot s = (CounterSnapshot) snapshot(registry, name.replace("_total", ""));
    return s.getDataPoints().stream()
        .filter(p -> p.getLabels().equals(Labels.of(IngestMetrics.CAMERA_LABEL, camera)))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  @Test
  void shouldCountWhatARunDid() {
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestMetrics metrics = new IngestMetrics().register(registry);
    Path clip = TestVideos.weizmann("walk/daria_walk.avi");

    IngestResult result =
        new VideoIngestor(
                IngestOptions.builder().setCameraId("cam-7").addSource(clip.toString()).build(),
                metrics)
            .run(TestVideos.producer());

    assertEquals(result.framesRead(), counter(registry, IngestMetrics.FRAMES_READ, "cam-7"));
    assertEquals(
        result.framesPublished(), counter(registry, IngestMetrics.FRAMES_PUBLISHED, "cam-7"));
    assertEquals(result.framesSkipped(), counter(registry, IngestMetrics.FRAMES_SKIPPED, "cam-7"));
    HistogramSnapshot decode = (HistogramSnapshot) snapshot(registry, IngestMetrics.DECODE_SECONDS);
    assertEquals(result.framesRead(), decode.getDataPoints().get(0).getCount());
    HistogramSnapshot encode = (HistogramSnapshot) snapshot(registry, IngestMetrics.ENCODE_SECONDS);
    assertEquals(result.framesPublished(), encode.getDataPoints().get(0).getCount());
  }

  @Test
  void shouldBoundTheCameraLabel() {
    IngestMetrics metrics = new IngestMetrics();
    for (int i = 0; i < IngestMetrics.MAX_CAMERAS; i++) {
      assertEquals("c" + i, metrics.label("c" + i));
    }
    assertEquals(IngestMetrics.OTHER_CAMERA, metrics.label("one-too-many"));
    assertEquals("c3", metrics.label("c3"), "known cameras keep their label");
  }

  @Test
  void shouldExposeTheDocumentedNames() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestMetrics.Camera cam = new IngestMetrics().register(registry).forCamera("door");
    cam.read().inc(3);
    cam.published().inc(2);
    cam.skipped().inc();
    cam.reconnects(DisconnectReason.STALL).inc(4);
    cam.connected().set(1);
    cam.decode().observe(0.0002);
    cam.encode().observe(0.003);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    String text = out.toString(StandardCharsets.UTF_8);
    String golden;
    try (var in = getClass().getResourceAsStream("ingest-metrics.golden.txt")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(golden.strip(), text.strip());
  }
}
