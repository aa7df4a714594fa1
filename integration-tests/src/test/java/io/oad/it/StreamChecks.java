package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.topology.DetectConfig;
import io.oad.topology.EventReplay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Exactly-once checks on what read-committed readers see: one embedding per frame, one prediction
 * per step, action events neither duplicated nor missing.
 */
final class StreamChecks {
  private StreamChecks() {}

  /** Embeddings by camera (record key), in partition (= arrival) order. */
  static Map<String, List<Embedding>> embeddings(List<ConsumerRecord<String, byte[]>> records) {
    EmbeddingSerde serde = new EmbeddingSerde();
    Map<String, List<Embedding>> byCamera = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      byCamera
          .computeIfAbsent(r.key(), k -> new ArrayList<>())
          .add(serde.deserialize(r.topic(), r.value()));
    }
    return byCamera;
  }

  /** Predictions by camera, in partition (= step) order. */
  static Map<String, List<Prediction>> predictions(List<ConsumerRecord<String, byte[]>> records) {
    JsonSerde<Prediction> serde = JsonSerde.predictions();
    Map<String, List<Prediction>> byCamera = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      Prediction p = serde.deserialize(r.topic(), r.value());
      assertEquals(r.key(), p.camera(), "record key is the camera");
      byCamera.computeIfAbsent(p.camera(), k -> new ArrayList<>()).add(p);
    }
    return byCamera;
  }

  /** Events in partition order. */
  static List<ActionEvent> events(List<ConsumerRecord<String, byte[]>> records) {
    JsonSerde<ActionEvent> serde = JsonSerde.events();
    List<ActionEvent> events = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      events.add(serde.deserialize(r.topic(), r.value()));
    }
    return events;
  }

  /** Each camera's embeddings are frames 0..n-1, each exactly once and in order. */
  static void assertOneEmbeddingPerFrame(
      Map<String, List<Embedding>> got, Map<String, Long> published) {
    assertEquals(published.keySet(), got.keySet(), "cameras with embeddings");
    for (var e : published.entrySet()) {
      List<Embedding> es = got.get(e.getKey());
      assertEquals(
          e.getValue(), (long) es.size(), "embeddings of " + e.getKey() + " (one per frame)");
      for (int i = 0; i < es.size(); i++) {
        assertEquals(
            i, es.get(i).sequence(), e.getKey() + " embedding " + i + " (no loss, no duplicate)");
      }
    }
  }

  /**
   * Each camera has one prediction per step: position i holds step i made from frame {@code
   * firstSequence + i} (steps are one frame apart).
   */
  static void assertOnePredictionPerStep(
      Map<String, List<Prediction>> got, Map<String, Long> published, int window) {
    assertEquals(published.keySet(), got.keySet(), "cameras with predictions");
    for (var e : published.entrySet()) {
      List<Prediction> ps = got.get(e.getKey());
      assertEquals(e.getValue(), (long) ps.size(), "predictions of " + e.getKey());
      for (int i = 0; i < ps.size(); i++) {
        Prediction p = ps.get(i);
        assertEquals(i, p.sequence(), e.getKey() + " sequence at " + i + " (no loss/duplicate)");
        assertEquals(i, p.step(), e.getKey() + " step at " + i + " (no restart of the grid)");
        assertEquals(i >= window - 1, p.warm(), e.getKey() + " warm flag at step " + i);
      }
    }
  }

  /**
   * Action events: none twice, and per camera and action they alternate started, ended, started…
   * with each end naming its start, and a camera is not reported offline twice without coming back
   * online (a lost or repeated event breaks the alternation).
   */
  static void assertEventsNeitherDuplicatedNorMissing(List<ActionEvent> events) {
    Set<ActionEvent> seen = new HashSet<>();
    Map<String, ActionEvent> open = new HashMap<>();
    Set<String> offline = new HashSet<>();
    for (ActionEvent ev : events) {
      assertTrue(seen.add(ev), "duplicate event " + ev);
      String key = ev.camera() + "/" + ev.action();
      switch (ev.type()) {
        case ACTION_STARTED ->
            assertTrue(open.put(key, ev) == null, "started twice without an end: " + ev);
        case ACTION_ENDED -> {
          ActionEvent start = open.remove(key);
          assertTrue(start != null, "ended without a start: " + ev);
          assertEquals(start.startTimeMs(), ev.startTimeMs(), "end names its start: " + ev);
        }
        case CAMERA_OFFLINE ->
            assertTrue(offline.add(ev.camera()), "offline twice without coming back online: " + ev);
        case CAMERA_ONLINE -> offline.remove(ev.camera());
        default -> {}
      }
    }
  }

  /**
   * The action events are exactly those the committed predictions cause: per camera, the started,
   * ended and anticipated events in partition order equal the replay of its predictions through the
   * topology's event logic ({@link EventReplay}). Catches a lost started/ended pair, a lost final
   * end, a repeated or an invented event, which the alternation of {@link
   * #assertEventsNeitherDuplicatedNorMissing} cannot see.
   */
  static void assertActionEventsFollowPredictions(
      List<ActionEvent> events, Map<String, List<Prediction>> predictions, DetectConfig config) {
    Map<String, List<ActionEvent>> got = new TreeMap<>();
    for (ActionEvent ev : events) {
      if (isAction(ev)) {
        got.computeIfAbsent(ev.camera(), k -> new ArrayList<>()).add(ev);
      }
    }
    Map<String, List<ActionEvent>> want = new TreeMap<>();
    predictions.forEach(
        (camera, ps) -> {
          List<ActionEvent> evs = EventReplay.actionEvents(ps, config);
          if (!evs.isEmpty()) {
            want.put(camera, evs);
          }
        });
    assertEquals(want.keySet(), got.keySet(), "cameras with action events");
    for (String camera : want.keySet()) {
      assertEquals(
          want.get(camera),
          got.get(camera),
          camera + ": the action events its committed predictions cause");
    }
  }

  /**
   * Each camera went offline exactly as often as the test made it fall silent, and came back online
   * after each outage except a last one at the end: a spurious offline/online pair, a lost one or a
   * repeated one fails.
   *
   * @param outages per camera, how many times it fell silent (and came back) during the run
   * @param offlineAtEnd whether every camera is expected offline once more at the end
   */
  static void assertCameraEvents(
      List<ActionEvent> events, Map<String, Integer> outages, boolean offlineAtEnd) {
    Map<String, List<ActionEvent.Type>> got = new TreeMap<>();
    for (ActionEvent ev : events) {
      if (!isAction(ev)) {
        got.computeIfAbsent(ev.camera(), k -> new ArrayList<>()).add(ev.type());
      }
    }
    for (var e : outages.entrySet()) {
      List<ActionEvent.Type> want = new ArrayList<>();
      for (int i = 0; i < e.getValue(); i++) {
        want.add(ActionEvent.Type.CAMERA_OFFLINE);
        want.add(ActionEvent.Type.CAMERA_ONLINE);
      }
      if (offlineAtEnd) {
        want.add(ActionEvent.Type.CAMERA_OFFLINE);
      }
      assertEquals(want, got.getOrDefault(e.getKey(), List.of()), e.getKey() + ": camera events");
    }
    Set<String> unknown = new HashSet<>(got.keySet());
    unknown.removeAll(outages.keySet());
    assertTrue(
        unknown.isEmpty(), "camera events of cameras that were not part of the run: " + unknown);
  }

  private static boolean isAction(ActionEvent ev) {
    return ev.type() == ActionEvent.Type.ACTION_STARTED
        || ev.type() == ActionEvent.Type.ACTION_ENDED
        || ev.type() == ActionEvent.Type.ACTION_ANTICIPATED;
  }

  /** How many events of each type. */
  static Map<ActionEvent.Type, Long> countByType(List<ActionEvent> events) {
    Map<ActionEvent.Type, Long> n = new TreeMap<>();
    events.forEach(e -> n.merge(e.type(), 1L, Long::sum));
    return n;
  }
}
