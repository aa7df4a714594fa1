package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input at the topology's edge (issue 13): camera ids that break the rule, capture times
 * far ahead of the clock or negative, dead letters that must fit, and a replayed file.
 */
class HostileInputTest {
  private static final int T = 4;
  private static final int DIM = 3;
  private static final long T0 = 1_700_000_000_000L;

  /** A dead letter must stay well below the broker's default 1 MB. */
  private static final int FITS = 512 * 1024 + 16 * 1024;

  @TempDir Path stateDir;

  private final FakeStepModel.Factory models = new FakeStepModel.Factory(T, DIM);
  private DriverHarness h;
  private TestOutputTopic<byte[], byte[]> deadLetters;
  private TestInputTopic<String, byte[]> raw;

  private void start(long wallClockMs) {
    start(wallClockMs, DetectConfig.builder());
  }

  private void start(long wallClockMs, DetectConfig.Builder config) {
    h =
        new DriverHarness(
            config.stateDir(stateDir).build(), models, Instant.ofEpochMilli(wallClockMs));
    deadLetters =
        h.driver.createOutputTopic(
            Topics.DEADLETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    raw =
        h.driver.createInputTopic(
            Topics.EMBEDDINGS, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private static Embedding frame(long seq, long captureMs) {
    float[] v = new float[DIM];
    Arrays.fill(v, 0.1f);
    v[seq % 2 == 0 ? 1 : 2] = 0.8f;
    return new Embedding(seq, captureMs, "test", v);
  }

  private static String header(Headers headers, String name) {
    Header hd = headers.lastHeader(name);
    return hd == null ? null : new String(hd.value(), StandardCharsets.UTF_8);
  }

  private static long size(TestRecord<byte[], byte[]> r) {
    long bytes = r.key() == null ? 0 : r.key().length;
    bytes += r.value() == null ? 0 : r.value().length;
    for (Header hd : r.headers()) {
      bytes += hd.key().length() + (hd.value() == null ? 0 : hd.value().length);
    }
    return bytes;
  }

  private long entries(String store) {
    KeyValueStore<Object, Object> s = h.driver.getKeyValueStore(store);
    long n = 0;
    try (KeyValueIterator<Object, Object> it = s.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  private List<String> keysOf(String store) {
    KeyValueStore<Object, Object> s = h.driver.getKeyValueStore(store);
    List<String> keys = new java.util.ArrayList<>();
    try (KeyValueIterator<Object, Object> it = s.all()) {
      while (it.hasNext()) {
        KeyValue<Object, Object> kv = it.next();
        keys.add(String.valueOf(kv.key));
      }
    }
    return keys;
  }

  @Test
  void shouldDeadLetterCameraIdsThatBreakTheRuleWithABoundedCopyAndKeepTheirStateEmpty() {
    start(T0);
    String huge = "c".repeat(600 * 1024);
    h.send(huge, frame(0, T0));
    h.send("bad camera!", frame(0, T0));
    h.send("", frame(0, T0));
    for (int s = 0; s < 6; s++) {
      h.send("cam-ok", frame(s, T0 + 250L * s));
    }

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertEquals(3, dead.size());
    for (TestRecord<byte[], byte[]> d : dead) {
      assertTrue(
          header(d.headers(), DeadLetterHeaders.REASON).startsWith("camera id"),
          header(d.headers(), DeadLetterHeaders.REASON));
      assertEquals("detect", header(d.headers(), DeadLetterHeaders.STAGE));
      assertEquals(Topics.EMBEDDINGS, header(d.headers(), DeadLetterHeaders.TOPIC));
      assertNotNull(header(d.headers(), DeadLetterHeaders.OFFSET));
      assertTrue(size(d) < FITS, "dead letter of " + size(d) + " bytes");
      assertTrue(
          header(d.headers(), DeadLetterHeaders.REASON).getBytes(StandardCharsets.UTF_8).length
              <= DeadLetterHeaders.MAX_REASON_BYTES);
    }
    TestRecord<byte[], byte[]> first = dead.get(0);
    assertTrue(first.key().length <= DeadLetterHeaders.MAX_KEY_BYTES);
    assertEquals(
        String.valueOf(huge.length()), header(first.headers(), DeadLetterHeaders.KEY_TRUNCATED));
    assertEquals(3, h.metrics.droppedCount("bad_camera_id"));

    assertEquals(List.of("cam-ok"), keysOf(DetectorTopology.LAST_SEEN_STORE));
    assertTrue(
        keysOf(DetectorTopology.STORE).stream().allMatch(k -> k.contains("camera=cam-ok")),
        keysOf(DetectorTopology.STORE).toString());
    List<Prediction> ok = h.predictionsOf("cam-ok");
    assertEquals(6, ok.size());
  }

  @Test
  void shouldDeadLetterAnUndecodableValueTooLargeToCopyAsAStubAndDropHugeHeaders() {
    // at_least_once: see DetectorTopologyTest#shouldDeadLetterAnUndecodableEmbeddingAndContinue
    start(T0, DetectConfig.builder().processingGuarantee("at_least_once"));
    byte[] garbage = new byte[700 * 1024];
    Arrays.fill(garbage, (byte) 7);
    raw.pipeInput(new TestRecord<>("cam-x", garbage, new RecordHeaders(), T0));
    Headers big = new RecordHeaders();
    big.add("x-garbage", new byte[600 * 1024]);
    big.add("x-small", "kept".getBytes(StandardCharsets.UTF_8));
    raw.pipeInput(new TestRecord<>("cam-y", new byte[] {1, 2, 3}, big, T0));

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertEquals(2, dead.size());
    TestRecord<byte[], byte[]> stub = dead.get(0);
    assertNull(stub.value(), "a value too large to copy is left out");
    assertEquals(
        String.valueOf(garbage.length), header(stub.headers(), DeadLetterHeaders.VALUE_DROPPED));
    assertEquals("cam-x", new String(stub.key(), StandardCharsets.UTF_8));
    TestRecord<byte[], byte[]> copy = dead.get(1);
    assertEquals(3, copy.value().length);
    assertEquals("1", header(copy.headers(), DeadLetterHeaders.HEADERS_DROPPED));
    assertEquals("kept", header(copy.headers(), "x-small"));
    for (TestRecord<byte[], byte[]> d : dead) {
      assertTrue(size(d) < FITS, "dead letter of " + size(d) + " bytes");
    }
  }

  @Test
  void shouldRefuseCaptureTimesFarAheadOrNegativeWithoutMovingTheCamerasGrid() {
    start(T0);
    h.send("cam", frame(0, T0));
    h.send("cam", frame(1, T0 + 250));
    h.send("cam", frame(2, Long.MAX_VALUE));
    h.send("cam", frame(3, T0 + 3_600_000)); // a host clock an hour ahead
    h.embeddings.pipeInput("cam", frame(4, -5), T0); // a record timestamp cannot be negative
    h.send("ghost", frame(0, Long.MAX_VALUE));
    for (int s = 5; s < 12; s++) {
      h.send("cam", frame(s, T0 + 250L * (s - 3)));
    }

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertEquals(4, dead.size());
    for (TestRecord<byte[], byte[]> d : dead) {
      assertTrue(
          header(d.headers(), DeadLetterHeaders.REASON).contains("capture time"),
          header(d.headers(), DeadLetterHeaders.REASON));
    }
    assertEquals(4, h.metrics.droppedCount("bad_capture_time"));
    assertEquals(0, h.metrics.droppedCount(DetectorMetrics.REASON_LATE));
    List<Prediction> out = h.predictionsOf("cam");
    assertEquals(9, out.size(), "one prediction per step, none lost to a moved grid");
    assertEquals(
        List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), out.stream().map(Prediction::step).toList());
    assertEquals(List.of("cam"), keysOf(DetectorTopology.LAST_SEEN_STORE), "ghost left no state");
  }

  @Test
  void shouldAcceptATimeWithinTheToleranceAhead() {
    h =
        new DriverHarness(
            DetectConfig.builder()
                .stateDir(stateDir)
                .property("detect.max.capture.ahead.ms", 5_000L)
                .build(),
            models,
            Instant.ofEpochMilli(T0));
    h.send("cam", frame(0, T0 + 4_000));
    h.send("cam", frame(1, T0 + 6_000));
    assertEquals(1, h.predictionsOf("cam").size());
    assertEquals(1, h.metrics.droppedCount("bad_capture_time"));
  }

  @Test
  void shouldPredictASecondReplayOfTheSameFileUnderTheSameCameraId() {
    // an unpaced replay: 20 s of frames at 10 fps, then the same file again, its capture clock
    // starting again near the first run's start, sequences from 0
    start(T0 + 60_000);
    for (int i = 0; i < 200; i++) {
      h.send("replayed", frame(i, T0 + 100L * i));
    }
    List<Prediction> firstRun = h.predictionsOf("replayed");
    assertEquals(80, firstRun.size());
    for (int i = 0; i < 200; i++) {
      h.send("replayed", frame(i, T0 + 1_000 + 100L * i));
    }
    List<Prediction> secondRun = h.predictionsOf("replayed");
    assertEquals(80, secondRun.size(), "the second run is predicted like the first");
    assertEquals(0L, secondRun.get(0).step());
    assertEquals(0, h.metrics.droppedCount(DetectorMetrics.REASON_LATE));
    assertEquals(0, h.metrics.droppedCount(DetectorMetrics.REASON_DUPLICATE));
  }

  @Test
  void shouldRestartAtAFrameFarBeforeTheOpenStepEvenWithoutSequenceZero() {
    start(T0 + 60_000);
    for (int i = 0; i < 40; i++) {
      h.send("cam", frame(i, T0 + 20_000 + 250L * i));
    }
    assertEquals(40, h.predictionsOf("cam").size());
    // the camera's clock was corrected back by 20 s; its sequence goes on
    for (int i = 40; i < 60; i++) {
      h.send("cam", frame(i, T0 + 250L * (i - 40)));
    }
    assertEquals(20, h.predictionsOf("cam").size());
    assertEquals(0, h.metrics.droppedCount(DetectorMetrics.REASON_LATE));
  }
}
