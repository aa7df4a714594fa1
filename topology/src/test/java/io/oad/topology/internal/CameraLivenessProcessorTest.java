package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.oad.contract.ActionEvent;
import io.oad.topology.DetectorMetrics;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The liveness processor alone, on stores that hold what a previous instance of the task left: its
 * in-memory index of online cameras is rebuilt from the store, and the retention sweep removes a
 * camera from all three stores, ending its active action first.
 */
class CameraLivenessProcessorTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long OFFLINE_MS = 10_000;
  private static final long RETENTION_MS = 80_000;

  private final MockProcessorContext<String, ActionEvent> context = new MockProcessorContext<>();
  private final DetectorMetrics metrics = new DetectorMetrics();

  private <K> KeyValueStore<K, byte[]> store(
      String name, org.apache.kafka.common.serialization.Serde<K> keys) {
    KeyValueStore<K, byte[]> s =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    s.init(context.getStateStoreContext(), s);
    context.addStateStore(s);
    return s;
  }

  private void punctuate(long interval, long now) {
    context.setCurrentSystemTimeMs(now);
    for (CapturedPunctuator p : context.scheduledPunctuators()) {
      if (p.getInterval().toMillis() == interval) {
        p.getPunctuator().punctuate(now);
      }
    }
  }

  private List<ActionEvent> forwarded() {
    List<ActionEvent> events =
        context.forwarded().stream().map(f -> (ActionEvent) f.record().value()).toList();
    context.resetForwards();
    return events;
  }

  @Test
  void shouldRebuildItsOnlineIndexFromTheStoreAndExpireACameraFromEveryStore() {
    KeyValueStore<String, byte[]> lastSeen = store("camera-last-seen", Serdes.String());
    KeyValueStore<WindowKey, byte[]> windows = store("camera-windows", WindowKey.serde());
    KeyValueStore<String, byte[]> episodes = store("camera-episodes", Serdes.String());
    // left by the previous instance: camera "old" seen at T0, 'walk' active since T0 - 2000
    lastSeen.put("old", new CameraLivenessProcessor.LastSeen(T0, false).encode());
    WindowMeta meta = WindowMeta.first(0, T0 - 2_000, 2, 3).openedAt(4, 9, T0 - 500);
    CameraWindowStore w = new CameraWindowStore(windows);
    w.putMeta("old", meta);
    w.putStep("old", meta, 0, new float[3]);
    w.putStep("old", meta, 1, new float[3]);
    CameraEpisodes state = new CameraEpisodes();
    ActionEpisode walk = state.of("walk");
    walk.active = true;
    walk.startMs = T0 - 2_000;
    walk.peak = 0.9;
    episodes.put("old", state.encode());

    CameraLivenessProcessor<Object> p =
        new CameraLivenessProcessor<>(
            metrics,
            "camera-last-seen",
            "camera-windows",
            "camera-episodes",
            OFFLINE_MS,
            RETENTION_MS);
    context.setCurrentSystemTimeMs(T0 + 1_000);
    p.init(context);
    long check = 1_000;
    long sweep = CameraLivenessProcessor.sweepIntervalMs(RETENTION_MS);
    assertEquals(10_000, sweep);

    punctuate(check, T0 + 5_000);
    assertEquals(List.of(), forwarded());
    assertEquals(1, metrics.camerasOnlineCount(), "the restored camera counts as online");
    punctuate(check, T0 + OFFLINE_MS);
    assertEquals(
        List.of(new ActionEvent("old", ActionEvent.Type.CAMERA_OFFLINE, null, T0, -1, 0)),
        forwarded());
    assertEquals(0, metrics.camerasOnlineCount());

    punctuate(sweep, T0 + RETENTION_MS - 1);
    assertEquals(List.of(), forwarded(), "not yet past the retention");
    punctuate(sweep, T0 + RETENTION_MS);
    assertEquals(
        List.of(
            new ActionEvent(
                "old", ActionEvent.Type.ACTION_ENDED, "walk", T0 - 2_000, T0 - 500, 0.9)),
        forwarded());
    assertNull(lastSeen.get("old"));
    assertNull(episodes.get("old"));
    assertEquals(0, windows.approximateNumEntries());
    assertEquals(1, metrics.camerasExpiredCount());
  }
}
