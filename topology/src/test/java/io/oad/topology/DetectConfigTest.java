package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.topology.internal.DetectorDeserializationExceptionHandler;
import io.oad.topology.internal.DetectorProcessingExceptionHandler;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class DetectConfigTest {
  @Test
  void shouldDefaultToExactlyOnceAndTheContractTopics() {
    DetectConfig c = new DetectConfig(Map.of());
    assertEquals("oad-detector", c.applicationId());
    assertEquals("exactly_once_v2", c.processingGuarantee());
    assertEquals(1, c.numStreamThreads());
    assertEquals(TopologyOptions.defaults(), c.options());
    assertEquals("oad.deadletter", c.deadLetterTopic());
    assertEquals("oad.events", c.options().eventsTopic());
    assertEquals(StepTiming.defaults(), c.timing());
    assertEquals(EventRules.defaults(), c.rules());
    assertEquals(250.0, c.timing().stepMs(), 1e-9);
  }

  @Test
  void shouldBatchAcrossCamerasByDefaultAndLetBatchingBeTurnedOff() {
    DetectConfig c = new DetectConfig(Map.of());
    assertEquals(new DetectBatching(32, 20), c.batching());
    assertTrue(c.batching().enabled());
    // an idle thread must not sleep in poll much longer than a step may wait
    assertEquals(20L, c.streamsProperties().get("poll.ms"));
    assertFalse(c.streamsProperties().containsKey("detect.batch.max"));

    DetectConfig off =
        DetectConfig.builder()
            .property("detect.batch.max", "1")
            .property("detect.batch.max.wait.ms", 50)
            .build();
    assertEquals(new DetectBatching(1, 50), off.options().batching());
    assertFalse(off.batching().enabled());
    assertFalse(off.streamsProperties().containsKey("poll.ms"));
    assertFalse(
        DetectConfig.builder()
            .property("detect.batch.max.wait.ms", 0)
            .build()
            .batching()
            .enabled());
    assertEquals(
        "250",
        DetectConfig.builder()
            .property("poll.ms", "250")
            .build()
            .streamsProperties()
            .get("poll.ms"),
        "an explicit poll.ms is kept");
  }

  @Test
  void shouldReadTimingAndEventRules() {
    DetectConfig c =
        DetectConfig.builder()
            .property("detect.steps.per.second", 5.0)
            .property("detect.gap.max.steps", "3")
            .property("detect.step.idle.close.ms", 0)
            .property("detect.step.emit", "last")
            .property("detect.event.start.threshold", 0.7)
            .property("detect.event.end.threshold", 0.2)
            .property("detect.event.min.duration.steps", 4)
            .property("detect.event.cooldown.ms", 500)
            .property("detect.event.anticipation.threshold", 0.9)
            .property("detect.camera.offline.ms", 3_000)
            .property("detect.events.topic", "alerts")
            .build();
    assertEquals(new StepTiming(5.0, 3, 0), c.timing());
    assertEquals(new EventRules(0.7, 0.2, 4, 500, 0.9, 3_000), c.rules());
    assertEquals("alerts", c.options().eventsTopic());
    assertFalse(c.streamsProperties().containsKey("detect.event.start.threshold"));
  }

  @Test
  void shouldRejectAnEndThresholdAboveTheStartThresholdAndNameIt() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                DetectConfig.builder()
                    .property("detect.event.start.threshold", 0.5)
                    .property("detect.event.end.threshold", 0.6)
                    .build());
    assertTrue(e.getMessage().contains("detect.event.end.threshold"), e.getMessage());
    for (String[] bad :
        new String[][] {
          {"detect.steps.per.second", "0"},
          {"detect.gap.max.steps", "-1"},
          {"detect.event.start.threshold", "1.5"},
          {"detect.event.min.duration.steps", "0"},
          {"detect.camera.offline.ms", "0"},
          {"detect.batch.max", "0"},
          {"detect.batch.max", "5000"},
          {"detect.batch.max.wait.ms", "-1"}
        }) {
      ConfigException ce =
          assertThrows(
              ConfigException.class,
              () -> DetectConfig.builder().property(bad[0], bad[1]).build(),
              bad[0]);
      assertTrue(ce.getMessage().contains(bad[0]), ce.getMessage());
    }
    ConfigException same =
        assertThrows(
            ConfigException.class,
            () ->
                DetectConfig.builder().property("detect.events.topic", "oad.predictions").build());
    assertTrue(same.getMessage().contains("must all differ"), same.getMessage());
  }

  @Test
  void shouldBuildStreamsPropertiesWithNamingDeadLetterQueueAndHandlers() {
    Properties p =
        DetectConfig.builder()
            .applicationId("app-1")
            .bootstrapServers("broker:9092")
            .stateDir(Path.of("/var/lib/oad"))
            .numStreamThreads(3)
            .commitIntervalMs(250)
            .property("detect.deadletter.topic", "dlq")
            .property("detect.predictions.topic", "preds")
            .property("max.poll.records", 50)
            .build()
            .streamsProperties();

    assertEquals("app-1", p.get("application.id"));
    assertEquals("broker:9092", p.get("bootstrap.servers"));
    assertEquals("/var/lib/oad", p.get("state.dir"));
    assertEquals("exactly_once_v2", p.get("processing.guarantee"));
    assertEquals(3, p.get("num.stream.threads"));
    assertEquals(250L, p.get("commit.interval.ms"));
    assertEquals(true, p.get("ensure.explicit.internal.resource.naming"));
    assertEquals("dlq", p.get("errors.dead.letter.queue.topic.name"));
    assertEquals(
        DetectorProcessingExceptionHandler.class.getName(), p.get("processing.exception.handler"));
    assertEquals(
        DetectorDeserializationExceptionHandler.class.getName(),
        p.get("deserialization.exception.handler"));
    assertEquals(50, p.get("max.poll.records"), "unknown keys pass through");
    assertFalse(p.containsKey("detect.predictions.topic"), "own oad.* keys stay out of Streams");
    // Kafka Streams itself accepts the result
    StreamsConfig streams = new StreamsConfig(p);
    assertTrue(streams.getBoolean(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG));
  }

  @Test
  void shouldNameTheBadKeyWhenInvalid() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> DetectConfig.builder().processingGuarantee("exactly_once").build());
    assertTrue(e.getMessage().contains("processing.guarantee"), e.getMessage());
    ConfigException threads =
        assertThrows(
            ConfigException.class, () -> DetectConfig.builder().numStreamThreads(0).build());
    assertTrue(threads.getMessage().contains("num.stream.threads"), threads.getMessage());
  }

  @Test
  void shouldLeaveStateDirToKafkaStreamsWhenUnset() {
    assertFalse(new DetectConfig(Map.of()).streamsProperties().containsKey("state.dir"));
  }

  @Test
  void shouldDefaultAndValidateTheHostileInputLimits() {
    DetectLimits d = DetectConfig.builder().build().limits();
    assertEquals(60_000L, d.maxCaptureAheadMs());
    assertEquals(86_400_000L, d.cameraRetentionMs());
    assertEquals(512 * 1024, d.maxRecordBytes());
    assertEquals(d, DetectConfig.builder().build().options().limits());

    DetectLimits set =
        DetectConfig.builder()
            .property(DetectConfig.MAX_CAPTURE_AHEAD_MS_CONFIG, 5_000L)
            .property(DetectConfig.CAMERA_RETENTION_MS_CONFIG, 120_000L)
            .property("max.request.size", 100_000)
            .build()
            .limits();
    assertEquals(new DetectLimits(5_000L, 120_000L, 100_000 - 1024), set);

    for (Map.Entry<String, Object> bad :
        Map.<String, Object>of(
                DetectConfig.MAX_CAPTURE_AHEAD_MS_CONFIG, -1L,
                DetectConfig.CAMERA_RETENTION_MS_CONFIG, 0L,
                DetectConfig.MAX_RECORD_BYTES_CONFIG, 1_000)
            .entrySet()) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> DetectConfig.builder().property(bad.getKey(), bad.getValue()).build());
      assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
    }
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                DetectConfig.builder()
                    .property(DetectConfig.CAMERA_OFFLINE_MS_CONFIG, 60_000L)
                    .property(DetectConfig.CAMERA_RETENTION_MS_CONFIG, 60_000L)
                    .build());
    assertTrue(e.getMessage().contains(DetectConfig.CAMERA_RETENTION_MS_CONFIG), e.getMessage());
  }

  @Test
  void shouldInstallTheProductionExceptionHandlerAndPassTheRecordBound() {
    Properties p =
        DetectConfig.builder().property("max.request.size", 100_000).build().streamsProperties();
    assertEquals(
        io.oad.topology.internal.DetectorProductionExceptionHandler.class.getName(),
        p.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG));
    assertEquals(
        100_000 - 1024, p.get(io.oad.topology.internal.DeadLetters.MAX_RECORD_BYTES_CONFIG));
  }
}
