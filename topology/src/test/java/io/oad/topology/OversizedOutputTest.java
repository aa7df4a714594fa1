package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.Embedding;
import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prediction larger than the record bound never reaches the producer (under exactly-once the
 * producer's refusal would abort the transaction): it is dead-lettered as a stub and the topology
 * goes on.
 */
class OversizedOutputTest {
  private static final int T = 4;
  private static final int DIM = 3;
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path stateDir;

  /** The fake model with class names of 4000 characters, so each prediction is ~20 KB. */
  private static final class VerboseModel implements StepModel {
    private final FakeStepModel fake = new FakeStepModel(T, DIM);

    @Override
    public int window() {
      return fake.window();
    }

    @Override
    public int featureDim() {
      return fake.featureDim();
    }

    @Override
    public List<String> classNames() {
      return FakeStepModel.CLASSES.stream().map(c -> c + "-" + "x".repeat(4_000)).toList();
    }

    @Override
    public String modelId() {
      return "verbose";
    }

    @Override
    public Output predict(float[][][] windows) {
      return fake.predict(windows);
    }
  }

  @Test
  void shouldDeadLetterAPredictionLargerThanTheBoundAndGoOn() {
    DetectConfig config =
        DetectConfig.builder()
            .stateDir(stateDir)
            .property("detect.max.record.bytes", 8_192)
            .build();
    try (DriverHarness h = new DriverHarness(config, VerboseModel::new, Instant.ofEpochMilli(T0))) {
      TestOutputTopic<byte[], byte[]> deadLetters =
          h.driver.createOutputTopic(
              Topics.DEADLETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      for (int s = 0; s < 3; s++) {
        float[] v = {0.1f, 0.1f, 0.1f};
        h.send("cam", new Embedding(s, T0 + 250L * s, "test", v));
      }
      assertTrue(h.predictions.isEmpty(), "no oversized prediction is sent");
      List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
      assertEquals(3, dead.size());
      for (TestRecord<byte[], byte[]> d : dead) {
        assertNull(d.value());
        assertEquals("cam", new String(d.key(), StandardCharsets.UTF_8));
        String reason = FrameHeaders.getString(d.headers(), DeadLetterHeaders.REASON);
        assertTrue(reason.contains(Topics.PREDICTIONS), reason);
        assertTrue(
            Long.parseLong(FrameHeaders.getString(d.headers(), DeadLetterHeaders.VALUE_DROPPED))
                > 8_192);
      }
      assertEquals(3, h.metrics.droppedCount("unsendable"));
    }
  }
}
