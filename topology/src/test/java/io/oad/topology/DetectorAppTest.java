package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.topology.internal.DeadLetters;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the real client without a broker: construction must not connect or create models. */
class DetectorAppTest {
  @TempDir Path stateDir;

  @Test
  void shouldBuildAClientInCreatedStateAndCloseItWithoutStarting() {
    FakeStepModel.Factory models = new FakeStepModel.Factory(4, 3);
    DetectorMetrics metrics = new DetectorMetrics();
    DetectConfig config =
        DetectConfig.builder().bootstrapServers("localhost:1").stateDir(stateDir).build();
    try (DetectorApp app = new DetectorApp(config, models, metrics)) {
      assertEquals(KafkaStreams.State.CREATED, app.state());
      assertEquals(
          DetectorTopology.PROCESSOR,
          app.topology().describe().subtopologies().iterator().next().nodes().stream()
              .filter(n -> n.name().equals(DetectorTopology.PROCESSOR))
              .findFirst()
              .orElseThrow()
              .name());
      assertEquals(0, models.calls.get(), "models are created per task, not by the app");
      assertTrue(app.close(Duration.ofSeconds(10)));
      assertEquals(KafkaStreams.State.NOT_RUNNING, app.state());
    }
  }

  @Test
  void shouldHandTheMetricsToTheExceptionHandlers() {
    DetectorMetrics metrics = new DetectorMetrics();
    var props = DetectorApp.streamsProperties(DetectConfig.builder().build(), metrics);
    assertSame(metrics, props.get(DeadLetters.METRICS_CONFIG));
  }
}
