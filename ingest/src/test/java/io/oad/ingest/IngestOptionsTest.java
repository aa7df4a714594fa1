package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class IngestOptionsTest {
  private static IngestOptions.Builder valid() {
    return IngestOptions.builder().setCameraId("cam").addSource("/videos/a.avi");
  }

  private static String rejected(UnaryOperator<IngestOptions.Builder> change) {
    return assertThrows(IllegalArgumentException.class, () -> change.apply(valid()).build())
        .getMessage();
  }

  @Test
  void shouldApplyTheDocumentedDefaults() {
    IngestOptions o = valid().build();
    assertEquals(4.0, o.targetFps());
    assertEquals(160, o.width());
    assertEquals(120, o.height());
    assertEquals(85, o.jpegQuality());
    assertFalse(o.realtime());
    assertFalse(o.loop());
    assertTrue(o.startTimeMs().isEmpty());
    assertEquals(Long.MAX_VALUE, o.maxFrames());
    assertEquals(List.of("/videos/a.avi"), o.sources());
  }

  @Test
  void shouldNameTheFieldThatIsWrong() {
    assertTrue(rejected(b -> b.setCameraId(" ")).contains("cameraId"));
    assertTrue(rejected(b -> b.setSources(List.of())).contains("source"));
    assertTrue(rejected(b -> b.optTargetFps(0)).contains("targetFps"));
    assertTrue(rejected(b -> b.optTargetFps(Double.NaN)).contains("targetFps"));
    assertTrue(rejected(b -> b.optSize(-1, 120)).contains("width"));
    assertTrue(rejected(b -> b.optSize(160, 100_000)).contains("height"));
    assertTrue(rejected(b -> b.optJpegQuality(0)).contains("jpegQuality"));
    assertTrue(rejected(b -> b.optJpegQuality(101)).contains("jpegQuality"));
    assertTrue(rejected(b -> b.optMaxFrames(0)).contains("maxFrames"));
    assertTrue(rejected(b -> b.optStartTimeMs(-5)).contains("startTimeMs"));
    assertTrue(rejected(b -> b.optSocketTimeoutMs(0)).contains("socketTimeoutMs"));
    assertTrue(rejected(b -> b.addSource("udp://239.0.0.1:1234")).contains("udp"));
  }

  @Test
  void shouldRefuseACameraIdThatBreaksTheContractsRuleBeforeAnythingIsPublished() {
    String tooLong = rejected(b -> b.setCameraId("k".repeat(600_000)));
    assertTrue(tooLong.contains("cameraId"), tooLong);
    assertTrue(tooLong.contains("longer than 128 bytes"), tooLong);
    assertTrue(tooLong.length() < 300, "the message does not quote the whole id");
    String space = rejected(b -> b.setCameraId("front door"));
    assertTrue(space.contains("' '"), space);
    assertTrue(rejected(b -> b.setCameraId("cam\u0000")).contains("U+0000"));
    assertEquals(
        "site:b/floor-3/cam@7", valid().setCameraId("site:b/floor-3/cam@7").build().cameraId());
  }

  @Test
  void shouldAcceptStreamsFileUrlsAndPathsAndTellStreamsApart() {
    IngestOptions o =
        valid()
            .addSource("rtsp://cam.local/stream")
            .addSource("HTTPS://cam.local/video.mjpg")
            .addSource("file:///videos/b.avi")
            .build();
    assertEquals(4, o.sources().size());
    assertFalse(IngestOptions.isStream("/videos/a.avi"));
    assertFalse(IngestOptions.isStream("file:///videos/b.avi"));
    assertTrue(IngestOptions.isStream("rtsp://cam.local/stream"));
    assertTrue(IngestOptions.isStream("HTTPS://cam.local/video.mjpg"));
  }

  @Test
  void shouldReplaceSourcesButKeepEverythingElse() {
    IngestOptions o = valid().optTargetFps(2).build().withSources(List.of("/x.avi", "/y.avi"));
    assertEquals(List.of("/x.avi", "/y.avi"), o.sources());
    assertEquals(2.0, o.targetFps());
    assertThrows(IllegalArgumentException.class, () -> o.withSources(List.of()));
  }

  @Test
  void shouldConfigureAnIdempotentProducer() {
    var props = VideoIngestor.producerProperties("broker:9092");
    assertEquals("broker:9092", props.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals("true", props.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
    assertEquals("all", props.get(ProducerConfig.ACKS_CONFIG));
    assertTrue(
        props
            .get(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)
            .toString()
            .endsWith("ByteArraySerializer"));
    assertThrows(IllegalArgumentException.class, () -> VideoIngestor.producerProperties(""));
  }
}
