package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Encodings of the {@code camera-episodes} and {@code camera-last-seen} stores. */
class EventStateCodecTest {
  @Test
  void shouldRoundTripEpisodesAndRejectMalformedBytes() {
    CameraEpisodes c = new CameraEpisodes();
    ActionEpisode walk = c.of("walk");
    walk.active = true;
    walk.run = 3;
    walk.runStartMs = 100;
    walk.peak = 0.875;
    walk.startMs = 100;
    ActionEpisode run = c.of("rün");
    run.lastEndMs = 5_000;
    run.anticipatedUntilMs = 7_000;

    CameraEpisodes back = CameraEpisodes.decode(c.encode());
    assertEquals(c.byAction.keySet(), back.byAction.keySet());
    ActionEpisode w = back.byAction.get("walk");
    assertTrue(w.active);
    assertEquals(3, w.run);
    assertEquals(0.875, w.peak);
    assertEquals(100, w.startMs);
    assertEquals(ActionEpisode.NONE, w.lastEndMs);
    assertEquals(7_000, back.byAction.get("rün").anticipatedUntilMs);

    byte[] raw = c.encode();
    assertThrows(
        SerializationException.class,
        () -> CameraEpisodes.decode(Arrays.copyOf(raw, raw.length - 1)));
    raw[0] = 7;
    assertThrows(SerializationException.class, () -> CameraEpisodes.decode(raw));
  }

  @Test
  void shouldPruneOnlyActionsWithNothingToRemember() {
    CameraEpisodes c = new CameraEpisodes();
    c.of("idle");
    c.of("cooling").lastEndMs = 9_000;
    c.of("cooled").lastEndMs = 7_000;
    c.prune(9_500, 2_000);
    assertEquals(java.util.Set.of("cooling"), c.byAction.keySet());
  }

  @Test
  void shouldRoundTripLastSeen() {
    var seen = new CameraLivenessProcessor.LastSeen(1_700_000_000_123L, true);
    assertEquals(seen, CameraLivenessProcessor.LastSeen.decode(seen.encode()));
    assertThrows(
        SerializationException.class, () -> CameraLivenessProcessor.LastSeen.decode(new byte[3]));
  }
}
