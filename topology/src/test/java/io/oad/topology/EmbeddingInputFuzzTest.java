package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ContractException;
import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.FrameHeaders;
import io.oad.contract.Mutator;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the topology's input path: mutated {@code oad.embeddings} records (bit flips,
 * truncation, splices, huge dimensions, random bytes, null keys and values) piped through the whole
 * topology. No exception escapes the topology; every record the wire decoder refuses is
 * dead-lettered by the deserialization exception handler with its bytes and the contract's reason
 * headers; the topology still predicts afterwards.
 */
class EmbeddingInputFuzzTest {
  private static final int T = 4;
  private static final int DIM = 6;
  private static final int INPUTS = 500;
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path stateDir;

  @Test
  void shouldDeadLetterEveryUndecodableEmbeddingAndKeepPredicting() {
    // at_least_once: see DetectorTopologyTest (the driver drops dead letters of open transactions)
    DetectConfig config =
        DetectConfig.builder().stateDir(stateDir).processingGuarantee("at_least_once").build();
    EmbeddingSerde serde = new EmbeddingSerde();
    List<byte[]> corpus = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      float[] v = new float[DIM];
      v[i % 3] = 1f;
      corpus.add(serde.serialize("t", new Embedding(i, T0 + 250L * i, "fuzz", v)));
    }
    corpus.add(serde.serialize("t", new Embedding(1, T0, "fuzz", new float[] {1f, 2f})));
    Mutator m = new Mutator(41, corpus);
    Random r = m.random();
    try (DriverHarness h =
        new DriverHarness(config, new FakeStepModel.Factory(T, DIM), Instant.ofEpochMilli(T0))) {
      TestInputTopic<String, byte[]> raw =
          h.driver.createInputTopic(
              Topics.EMBEDDINGS, new StringSerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> deadLetters =
          h.driver.createOutputTopic(
              Topics.DEADLETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<byte[]> undecodable = new ArrayList<>();
      List<TestRecord<byte[], byte[]>> dead = new ArrayList<>();
      for (int i = 0; i < INPUTS; i++) {
        byte[] value = r.nextInt(100) == 0 ? null : m.next();
        String key = r.nextInt(50) == 0 ? null : "cam-" + r.nextInt(4);
        if (value != null && !decodes(serde, value)) {
          undecodable.add(value);
        }
        try {
          raw.pipeInput(key, value, T0 + 250L * i);
        } catch (RuntimeException | Error e) {
          throw new AssertionError("input " + i + " escaped the topology: " + e, e);
        }
        dead.addAll(deadLetters.readRecordsToList());
      }
      List<TestRecord<byte[], byte[]>> refusedByDecoder =
          dead.stream()
              .filter(
                  d ->
                      ContractException.class
                          .getName()
                          .equals(header(d, "__streams.errors.exception")))
              .toList();
      assertFalse(undecodable.isEmpty(), "the fuzzer produced undecodable records");
      assertEquals(
          undecodable.size(),
          refusedByDecoder.size(),
          "every record the decoder refuses is dead-lettered once");
      for (int i = 0; i < undecodable.size(); i++) {
        TestRecord<byte[], byte[]> d = refusedByDecoder.get(i);
        assertArrayEquals(undecodable.get(i), d.value(), "dead letter " + i + " keeps the bytes");
        assertEquals("detect", header(d, DeadLetterHeaders.STAGE));
        assertNotNull(header(d, DeadLetterHeaders.REASON));
        assertEquals(Topics.EMBEDDINGS, header(d, DeadLetterHeaders.TOPIC));
      }

      // still alive: a new camera's frames are predicted (the wall clock catches up with the
      // capture times, which are refused further than a minute ahead of it)
      h.advanceWallClock(250L * (INPUTS + 3));
      for (int s = 0; s < 3; s++) {
        float[] v = new float[DIM];
        v[1] = 1f;
        h.send("cam-after", new Embedding(s, T0 + 250L * (INPUTS + s), "fuzz", v));
      }
      List<Prediction> after = h.predictionsOf("cam-after");
      assertTrue(after.size() >= 2, "predictions after the fuzzing: " + after);
    }
  }

  private static boolean decodes(EmbeddingSerde serde, byte[] value) {
    try {
      serde.deserialize("t", value);
      return true;
    } catch (ContractException e) {
      return false;
    }
  }

  private static String header(TestRecord<byte[], byte[]> r, String name) {
    return FrameHeaders.getString(r.headers(), name);
  }
}
