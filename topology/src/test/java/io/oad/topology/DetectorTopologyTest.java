package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.FutureStep;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.topology.internal.WindowKey;
import io.oad.topology.internal.WindowMeta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology on {@link TopologyTestDriver} with a deterministic fake model. */
class DetectorTopologyTest {
  private static final int T = 4;
  private static final int DIM = 3;
  private static final long T0 = 1_700_000_000_000L;
  private static final Instant WALL_CLOCK = Instant.ofEpochMilli(T0 + 5_000);
  private static final String CHANGELOG = "oad-detector-camera-windows-changelog";

  @TempDir Path stateDir;

  private final FakeStepModel.Factory models = new FakeStepModel.Factory(T, DIM);
  private final DetectorMetrics metrics = new DetectorMetrics();
  private TopologyTestDriver driver;
  private TestInputTopic<String, Embedding> embeddings;
  private TestInputTopic<String, byte[]> rawEmbeddings;
  private TestOutputTopic<String, Prediction> predictions;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  private void startDriver() {
    startDriver(
        DetectConfig.builder()
            .property(DetectConfig.STEP_EMIT_CONFIG, "last")
            .stateDir(stateDir)
            .build());
  }

  private void startDriver(DetectConfig config) {
    startDriver(config, models);
  }

  private void startDriver(DetectConfig config, FakeStepModel.Factory factory) {
    config = DriverHarness.unbatchedUnlessSet(config);
    Properties props = DetectorApp.streamsProperties(config, metrics);
    Topology topology = DetectorTopology.build(config, factory, metrics);
    driver = new TopologyTestDriver(topology, props, WALL_CLOCK);
    embeddings =
        driver.createInputTopic(Topics.EMBEDDINGS, new StringSerializer(), new EmbeddingSerde());
    rawEmbeddings =
        driver.createInputTopic(
            Topics.EMBEDDINGS, new StringSerializer(), new ByteArraySerializer());
    predictions =
        driver.createOutputTopic(
            Topics.PREDICTIONS, new StringDeserializer(), JsonSerde.predictions());
    deadLetters =
        driver.createOutputTopic(
            Topics.DEADLETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  /** An embedding whose first values make {@code action} (0..2) the fake model's top class. */
  private static Embedding embedding(long seq, int action) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = 0.1f + 0.01f * (seq % 10);
    }
    v[action] = 0.8f;
    return new Embedding(seq, T0 + 250 * seq, "test-extractor", v);
  }

  /** Like {@link #embedding(long, int)} but captured at {@code timeMs}. */
  private static Embedding embeddingAt(long seq, int action, long timeMs) {
    Embedding e = embedding(seq, action);
    return new Embedding(seq, timeMs, e.extractorId(), e.vector());
  }

  private void send(String camera, Embedding e) {
    embeddings.pipeInput(camera, e, e.captureTimeMs());
  }

  @Test
  void shouldEmitOnePredictionPerClosedStepInOrderForInterleavedCameras() {
    startDriver();
    // one frame per 250 ms step; the 7th frame of each camera closes its 6th step
    for (long seq = 0; seq < 7; seq++) {
      send("cam-a", embedding(seq, 1));
      send("cam-b", embedding(seq, 2));
    }

    List<KeyValue<String, Prediction>> out = predictions.readKeyValuesToList();
    assertEquals(12, out.size());
    for (String cam : List.of("cam-a", "cam-b")) {
      List<Prediction> mine =
          out.stream().filter(kv -> kv.key.equals(cam)).map(kv -> kv.value).toList();
      assertEquals(
          List.of(0L, 1L, 2L, 3L, 4L, 5L), mine.stream().map(Prediction::sequence).toList());
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), mine.stream().map(Prediction::step).toList());
      assertTrue(mine.stream().allMatch(p -> p.camera().equals(cam)));
      assertEquals(cam.equals("cam-a") ? "walk" : "run", mine.get(5).action());
    }
    assertEquals(12, metrics.predictionCount());
    assertEquals(14, metrics.consumedCount());
    assertTrue(predictions.isEmpty());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldFillEveryPredictionFieldAndStampTheCaptureTime() {
    startDriver();
    Embedding e = embedding(0, 2);
    send("cam-a", e);
    assertTrue(predictions.isEmpty(), "the step is still open");
    send("cam-a", embedding(1, 1));

    TestRecord<String, Prediction> rec = predictions.readRecord();
    Prediction p = rec.value();
    assertEquals(e.captureTimeMs(), rec.timestamp());
    assertEquals("cam-a", rec.key());
    assertEquals(e.captureTimeMs(), p.captureTimeMs());
    assertEquals("fake-T" + T, p.modelId());
    assertEquals("run", p.action());
    assertEquals(0.8, p.score(), 1e-6);
    assertEquals(FakeStepModel.CLASSES, new ArrayList<>(p.scores().keySet()));
    assertEquals(e.vector()[0], p.scores().get("background"), 1e-6);
    // the fake rotates the scores by the offset: run(2) -> background(0) -> walk(1)
    assertEquals(
        List.of(new FutureStep(1, "background", 0.8f), new FutureStep(2, "walk", 0.8f)),
        p.future());
    assertEquals(WALL_CLOCK.toEpochMilli() - e.captureTimeMs(), p.latencyMs());
    assertFalse(p.warm());
    assertTrue(predictions.isEmpty());
  }

  @Test
  void shouldMarkColdStartNotWarmAndGiveTheModelALeftPaddedWindow() {
    startDriver();
    List<Embedding> sent = new ArrayList<>();
    for (long seq = 0; seq < T + 2; seq++) {
      Embedding e = embedding(seq, (int) (seq % 3));
      sent.add(e);
      send("cam-a", e);
    }
    send("cam-a", embedding(T + 2, 0)); // closes the last step

    List<Prediction> out = predictions.readValuesToList();
    List<Boolean> warm = out.stream().map(Prediction::warm).toList();
    List<Boolean> expected = new ArrayList<>();
    for (int i = 0; i < T + 2; i++) {
      expected.add(i >= T - 1);
    }
    assertEquals(expected, warm);

    FakeStepModel model = models.only();
    assertEquals(T + 2, model.windowsSeen.size());
    for (int i = 0; i < T + 2; i++) {
      List<float[]> stepsSoFar =
          sent.subList(0, i + 1).stream().map(Embedding::vector).collect(Collectors.toList());
      float[][] want = recent(stepsSoFar, T);
      float[][] got = model.windowsSeen.get(i);
      assertEquals(want.length, got.length, "window " + i + " length");
      for (int t = 0; t < want.length; t++) {
        assertArrayEquals(want[t], got[t], "window " + i + " row " + t);
      }
    }
    assertTrue(predictions.isEmpty());
  }

  @Test
  void shouldDropDuplicateAndLateFramesAndPadTheMissingStep() {
    startDriver();
    send("cam-a", embedding(0, 1));
    send("cam-a", embedding(1, 1));
    send("cam-a", embedding(3, 1)); // step 2 gets no frame: padded
    send("cam-a", embedding(3, 2)); // duplicate
    send("cam-a", embedding(2, 2)); // late: step 2 was closed when step 3 opened
    send("cam-a", embedding(4, 1));
    send("cam-a", embedding(5, 1));

    List<Prediction> out = predictions.readValuesToList();
    assertEquals(List.of(0L, 1L, 3L, 4L), out.stream().map(Prediction::sequence).toList());
    assertEquals(List.of(0L, 1L, 3L, 4L), out.stream().map(Prediction::step).toList());
    assertEquals(1, metrics.droppedCount(DetectorMetrics.REASON_DUPLICATE));
    assertEquals(1, metrics.droppedCount(DetectorMetrics.REASON_LATE));
    assertEquals(7, metrics.consumedCount());
    assertTrue(deadLetters.isEmpty());
    assertTrue(predictions.isEmpty());
  }

  @Test
  void shouldResetTheWindowWhenACameraRestartsAtSequenceZero() {
    startDriver();
    for (long seq = 0; seq < T + 1; seq++) {
      send("cam-a", embedding(seq, 1));
    }
    long later = T0 + 250 * (T + 3);
    Embedding restart = embeddingAt(0, 2, later);
    send("cam-a", restart); // closes step T of the old stream, then starts over
    send("cam-a", embeddingAt(1, 2, later + 250));
    send("cam-a", embeddingAt(2, 2, later + 500));

    List<Prediction> out = predictions.readValuesToList();
    assertEquals(T + 3, out.size());
    assertEquals(T, out.get(T).step(), "the old stream's open step is predicted at the restart");
    Prediction afterRestart = out.get(T + 1);
    assertEquals(0, afterRestart.step());
    assertEquals(0, afterRestart.sequence());
    assertEquals(later, afterRestart.captureTimeMs());
    assertFalse(afterRestart.warm());
    assertEquals(1, out.get(T + 2).step());
    float[][] seen = models.only().windowsSeen.get(T + 1);
    for (float[] row : seen) {
      assertArrayEquals(restart.vector(), row, "window after restart holds only the new step");
    }
    assertTrue(predictions.isEmpty());
  }

  @Test
  void shouldDropARecordWithoutKeyOrValueAndContinue() {
    startDriver();
    embeddings.pipeInput("cam-a", null, T0);
    embeddings.pipeInput(null, embedding(0, 1), T0);
    send("cam-a", embedding(0, 1));
    send("cam-a", embedding(1, 1));

    assertEquals(1, predictions.readValuesToList().size());
    assertEquals(2, metrics.droppedCount(DetectorMetrics.REASON_MISSING_KEY_OR_VALUE));
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldDeadLetterAWrongDimensionWithReasonHeadersAndContinue() {
    startDriver();
    send("cam-a", embedding(0, 1));
    Embedding wrong = new Embedding(1, T0 + 250, "other-extractor", new float[] {1, 2, 3, 4, 5});
    send("cam-a", wrong);
    send("cam-a", embedding(2, 1));
    send("cam-a", embedding(3, 1));

    List<Prediction> out = predictions.readValuesToList();
    assertEquals(List.of(0L, 2L), out.stream().map(Prediction::sequence).toList());

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertEquals("cam-a", new String(dead.key(), StandardCharsets.UTF_8));
    assertArrayEquals(new EmbeddingSerde().serialize(Topics.EMBEDDINGS, wrong), dead.value());
    Headers h = dead.headers();
    // written by Kafka Streams' built-in dead-letter queue (KIP-1034)
    assertEquals(
        "io.oad.topology.internal.DimensionMismatchException",
        header(h, "__streams.errors.exception"));
    assertTrue(
        header(h, "__streams.errors.message").contains("dimension 5"),
        header(h, "__streams.errors.message"));
    assertEquals(Topics.EMBEDDINGS, header(h, "__streams.errors.topic"));
    assertEquals("0", header(h, "__streams.errors.partition"));
    assertEquals("1", header(h, "__streams.errors.offset"));
    assertNotNull(header(h, "__streams.errors.stacktrace"));
    // added by this project, names from the wire contract
    assertEquals("detect", header(h, DeadLetterHeaders.STAGE));
    assertTrue(header(h, DeadLetterHeaders.REASON).contains("feature dimension " + DIM));
    assertEquals(Topics.EMBEDDINGS, header(h, DeadLetterHeaders.TOPIC));
    assertEquals("0", header(h, DeadLetterHeaders.PARTITION));
    assertEquals("1", header(h, DeadLetterHeaders.OFFSET));

    assertEquals(1, metrics.droppedCount(DetectorMetrics.REASON_WRONG_DIMENSION));
    assertTrue(deadLetters.isEmpty());
    assertTrue(predictions.isEmpty());
  }

  @Test
  void shouldDeadLetterAnUndecodableEmbeddingAndContinue() {
    // at_least_once here only because of a TopologyTestDriver artifact: under exactly_once_v2 the
    // dead-letter record is sent (in the open transaction) while the task enqueues the bad record,
    // and the driver's MockProducer.clear() drops uncommitted sends before the next commit. On a
    // broker the record is committed with the task's next transaction.
    startDriver(
        DetectConfig.builder()
            .property(DetectConfig.STEP_EMIT_CONFIG, "last")
            .stateDir(stateDir)
            .processingGuarantee("at_least_once")
            .build());
    byte[] garbage = {9, 9, 9};
    rawEmbeddings.pipeInput("cam-a", garbage, T0);
    send("cam-a", embedding(0, 1));
    send("cam-a", embedding(1, 1));

    assertEquals(
        List.of(0L), predictions.readValuesToList().stream().map(Prediction::sequence).toList());
    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertArrayEquals(garbage, dead.value());
    assertTrue(
        header(dead.headers(), DeadLetterHeaders.REASON).contains("schema version 9"),
        header(dead.headers(), DeadLetterHeaders.REASON));
    assertEquals(
        "io.oad.contract.ContractException", header(dead.headers(), "__streams.errors.exception"));
    assertEquals(1, metrics.droppedCount(DetectorMetrics.REASON_UNDECODABLE));
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldContinueFromTheChangelogAfterARestart() {
    startDriver();
    List<float[]> sent = new ArrayList<>();
    int before = T + 3; // wraps the ring buffer
    for (long seq = 0; seq < before; seq++) {
      Embedding e = embedding(seq, (int) (seq % 3));
      sent.add(e.vector());
      send("cam-a", e);
    }
    predictions.readValuesToList();
    List<KeyValue<WindowKey, byte[]>> logged = readChangelog();
    assertEquals(2 * before, logged.size(), "one step slot and one metadata entry per frame");
    for (KeyValue<WindowKey, byte[]> kv : logged) {
      // each step writes one vector and the small metadata, never the whole window
      int expected = kv.key.slot() == WindowKey.META ? 58 : 4 * DIM;
      assertEquals(expected, kv.value.length, kv.key.toString());
    }
    WindowMeta last = WindowMeta.decode(logged.get(logged.size() - 1).value);
    long lastTime = T0 + 250L * (before - 1);
    long allSeen = (1L << before) - 1;
    assertEquals(
        new WindowMeta(before - 1, T0, before - 1, lastTime, false, before - 1, allSeen, T, DIM),
        last);
    driver.close();

    // TopologyTestDriver wipes its state directory on close, so restore the store the way Kafka
    // Streams would: by replaying the changelog into a fresh instance.
    startDriver();
    KeyValueStore<WindowKey, byte[]> store = driver.getKeyValueStore(DetectorTopology.STORE);
    logged.forEach(kv -> store.put(kv.key, kv.value));
    send("cam-a", embedding(before - 1, 2)); // already seen before the restart
    send("cam-a", embedding(before, 2)); // closes the step left open before the restart

    List<Prediction> out = predictions.readValuesToList();
    assertEquals(1, out.size());
    assertEquals(before - 1, out.get(0).step());
    assertEquals(before - 1, out.get(0).sequence());
    assertEquals(1, metrics.droppedCount(DetectorMetrics.REASON_DUPLICATE));
    assertTrue(out.get(0).warm());
    FakeStepModel restored = models.created.get(1);
    float[][] want = recent(sent, T);
    float[][] got = restored.windowsSeen.get(0);
    assertEquals(want.length, got.length, "restored window length");
    for (int t = 0; t < want.length; t++) {
      assertArrayEquals(want[t], got[t], "restored window row " + t);
    }
    assertEquals(2, models.created.size(), "one model per driver instance");
    assertTrue(models.created.get(0).closed, "the first processor closed its model");
    assertTrue(predictions.isEmpty());
  }

  @Test
  void shouldPredictAStepLeftOpenBeforeARestartOnceTheCameraStaysIdle() {
    startDriver();
    for (long seq = 0; seq < 3; seq++) {
      send("cam-a", embedding(seq, 1));
    }
    assertEquals(2, predictions.readValuesToList().size());
    List<KeyValue<WindowKey, byte[]>> logged = readChangelog();
    driver.close();

    startDriver();
    KeyValueStore<WindowKey, byte[]> store = driver.getKeyValueStore(DetectorTopology.STORE);
    logged.forEach(kv -> store.put(kv.key, kv.value));
    driver.advanceWallClockTime(java.time.Duration.ofMillis(999));
    assertTrue(predictions.isEmpty(), "the idle time counts from the first check after restore");
    driver.advanceWallClockTime(java.time.Duration.ofMillis(1_000));

    List<Prediction> out = predictions.readValuesToList();
    assertEquals(List.of(2L), out.stream().map(Prediction::step).toList());
    assertEquals(T0 + 500, out.get(0).captureTimeMs());
    driver.advanceWallClockTime(java.time.Duration.ofMillis(5_000));
    assertTrue(predictions.isEmpty(), "predicted once");
  }

  @Test
  void shouldResetAWindowStoredForAnotherModelShape() {
    startDriver();
    for (long seq = 0; seq < T; seq++) {
      send("cam-a", embedding(seq, 1));
    }
    List<KeyValue<WindowKey, byte[]>> logged = readChangelog();
    driver.close();

    FakeStepModel.Factory shorter = new FakeStepModel.Factory(T - 1, DIM);
    startDriver(
        DetectConfig.builder()
            .property(DetectConfig.STEP_EMIT_CONFIG, "last")
            .stateDir(stateDir)
            .build(),
        shorter);
    KeyValueStore<WindowKey, byte[]> store = driver.getKeyValueStore(DetectorTopology.STORE);
    logged.forEach(kv -> store.put(kv.key, kv.value));
    predictions.readValuesToList();
    send("cam-a", embedding(T, 2));
    assertTrue(predictions.isEmpty(), "the old model's open step is not predicted");
    send("cam-a", embedding(T + 1, 2));

    Prediction p = predictions.readValue();
    assertEquals(0, p.step(), "the window restarts for the new model");
    assertFalse(p.warm());
    assertTrue(predictions.isEmpty());
  }

  private List<KeyValue<WindowKey, byte[]>> readChangelog() {
    return driver
        .createOutputTopic(CHANGELOG, WindowKey.serde().deserializer(), new ByteArrayDeserializer())
        .readKeyValuesToList();
  }

  @Test
  void shouldCreateOneModelPerProcessorAndCloseItWithTheProcessor() {
    startDriver();
    send("cam-a", embedding(0, 1));
    FakeStepModel model = models.only();
    assertFalse(model.closed);
    driver.close();
    driver = null;
    assertTrue(model.closed);
  }

  private static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unused")
  private static Map<String, String> headers(Headers headers) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    headers.forEach(h -> m.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
    return m;
  }

  /**
   * What the topology hands the model port: the camera's most recent steps, at most T, oldest first
   * (the model completes a short window by its own cold-start rule).
   */
  private static float[][] recent(List<float[]> steps, int window) {
    return steps.subList(Math.max(0, steps.size() - window), steps.size()).toArray(new float[0][]);
  }
}
