package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.Embedding;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defect 7: cameras silent longer than the retention leave no state behind. */
class CameraRetentionTest {
  private static final int T = 4;
  private static final int DIM = 3;
  private static final long T0 = 1_700_000_000_000L;
  private static final long RETENTION_MS = 60_000;

  @TempDir Path stateDir;

  private final FakeStepModel.Factory models = new FakeStepModel.Factory(T, DIM);
  private DriverHarness h;
  private long wall = T0;

  private void start() {
    h =
        new DriverHarness(
            DetectConfig.builder()
                .stateDir(stateDir)
                .property("detect.camera.retention.ms", RETENTION_MS)
                .property(DetectConfig.CAMERA_OFFLINE_MS_CONFIG, 10_000L)
                .build(),
            models,
            Instant.ofEpochMilli(T0));
  }

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  /** A frame of {@code action} (0..2) captured now. */
  private Embedding frame(long seq, int action, long captureMs) {
    float[] v = new float[DIM];
    Arrays.fill(v, 0.1f);
    v[action] = 0.9f;
    return new Embedding(seq, captureMs, "test", v);
  }

  private void advance(long ms) {
    h.advanceWallClock(ms);
    wall += ms;
  }

  private List<String> cameras(String store) {
    KeyValueStore<Object, Object> s = h.driver.getKeyValueStore(store);
    List<String> cameras = new ArrayList<>();
    try (KeyValueIterator<Object, Object> it = s.all()) {
      while (it.hasNext()) {
        KeyValue<Object, Object> kv = it.next();
        String key = String.valueOf(kv.key);
        cameras.add(
            key.startsWith("WindowKey[") ? key.replaceAll(".*camera=([^,]*),.*", "$1") : key);
      }
    }
    return cameras.stream().distinct().toList();
  }

  @Test
  void shouldRemoveTenThousandChurnedCamerasAfterTheRetentionAndKeepALiveOne() {
    start();
    long seq = 0;
    for (int i = 0; i < 10_000; i++) {
      // two steps of 'walk' each: an episode stays active when the camera vanishes
      h.send("churn-" + i, frame(0, 1, T0));
      h.send("churn-" + i, frame(1, 1, T0 + 250));
      h.send("churn-" + i, frame(2, 1, T0 + 500));
    }
    h.send("live", frame(seq++, 0, wall));
    assertEquals(10_001, cameras(DetectorTopology.LAST_SEEN_STORE).size());
    assertEquals(
        10_000,
        cameras(DetectorTopology.EPISODES_STORE).stream()
            .filter(c -> c.startsWith("churn-"))
            .count());
    h.events.readRecordsToList();

    // the live camera sends a frame every 5 s of wall clock, for twice the retention
    for (int i = 0; i < 2 * RETENTION_MS / 5_000; i++) {
      advance(5_000);
      h.send("live", frame(seq++, 0, wall));
    }
    assertEquals(List.of("live"), cameras(DetectorTopology.LAST_SEEN_STORE));
    assertEquals(List.of("live"), cameras(DetectorTopology.STORE));
    assertTrue(
        cameras(DetectorTopology.EPISODES_STORE).stream().allMatch(c -> c.equals("live")),
        "only the live camera may have episode state");

    List<ActionEvent> events = h.events.readValuesToList();
    Map<ActionEvent.Type, Integer> byType = new HashMap<>();
    events.forEach(e -> byType.merge(e.type(), 1, Integer::sum));
    assertEquals(
        10_000, byType.getOrDefault(ActionEvent.Type.ACTION_ENDED, 0), "open episodes end");
    assertEquals(10_000, byType.getOrDefault(ActionEvent.Type.CAMERA_OFFLINE, 0));
    assertFalse(
        events.stream()
            .anyMatch(
                e ->
                    e.camera().equals("live")
                        && (e.type() == ActionEvent.Type.CAMERA_OFFLINE
                            || e.type() == ActionEvent.Type.ACTION_ENDED)),
        "the live camera is untouched");
    assertEquals(2 * RETENTION_MS / 5_000 + 1, h.predictionsOf("live").size());
    assertEquals(10_000, h.metrics.camerasExpiredCount());

    // the deletes reach the changelogs as tombstones
    TestOutputTopic<byte[], byte[]> changelog =
        h.driver.createOutputTopic(
            "oad-detector-camera-last-seen-changelog",
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    Map<String, byte[]> last = new HashMap<>();
    for (TestRecord<byte[], byte[]> r : changelog.readRecordsToList()) {
      last.put(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), r.value());
    }
    assertNull(last.get("churn-42"));
    assertTrue(last.containsKey("churn-42"));
  }

  @Test
  void shouldEndAnActiveEpisodeWhenTheCamerasWindowResets() {
    start();
    for (int s = 0; s < 4; s++) {
      h.send("cam", frame(s, 1, T0 + 250L * s));
    }
    List<ActionEvent> before = h.events.readValuesToList();
    assertTrue(
        before.stream()
            .anyMatch(
                e -> e.type() == ActionEvent.Type.ACTION_STARTED && e.action().equals("walk")),
        before.toString());
    // 5 s without frames: more than the 8-step gap limit, the window resets (cold start)
    h.send("cam", frame(4, 1, T0 + 5_750));
    List<ActionEvent> after =
        h.events.readValuesToList().stream()
            .filter(e -> e.type() == ActionEvent.Type.ACTION_ENDED)
            .toList();
    assertEquals(1, after.size(), after.toString());
    assertEquals("walk", after.get(0).action());
  }
}
