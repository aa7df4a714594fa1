package io.oad.deploy.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.FutureStep;
import io.oad.contract.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live view's bounded memory and fan-out. */
class LiveHubTest {
  static Prediction prediction(String camera, long step, long captureMs, String action) {
    return new Prediction(
        camera,
        step,
        captureMs,
        step,
        "m1",
        action,
        0.9,
        Map.of(action, 0.9, "background", 0.1),
        List.of(new FutureStep(1, "run", 0.7)),
        true,
        12);
  }

  private static LiveHub hub(int maxCameras, int maxViewers, int backlog) {
    return new LiveHub(new LiveHub.Options(0.25, 30, maxCameras, 480, 3, maxViewers, backlog));
  }

  private static List<String> drain(LiveHub.Viewer v) throws InterruptedException {
    List<String> all = new ArrayList<>();
    while (true) {
      List<String> frames = v.next(Duration.ofMillis(50), 1000);
      if (frames == null || frames.isEmpty()) {
        return all;
      }
      all.addAll(frames);
    }
  }

  @Test
  void shouldKeepOnlyTheLastWindowOfCaptureTimePerCamera() {
    LiveHub hub = hub(4, 2, 100);
    for (int i = 0; i <= 240; i++) { // 60 s at 4 steps per second
      hub.accept(prediction("cam-a", i, 1_000_000L + i * 250L, "walk"));
    }
    assertEquals(121, hub.historySize("cam-a"), "30 s of capture time at 4 steps/s, both ends");
    // a restart on an older clock starts the history again
    hub.accept(prediction("cam-a", 0, 5_000L, "walk"));
    assertEquals(1, hub.historySize("cam-a"));
  }

  @Test
  void shouldStartEveryViewerWithHelloThenTheSnapshotThenLiveFrames() throws Exception {
    LiveHub hub = hub(4, 2, 100);
    hub.accept(prediction("cam-a", 0, 1000, "walk"));
    hub.accept(prediction("cam-a", 1, 1250, "run"));
    for (int i = 0; i < 5; i++) {
      hub.accept(new ActionEvent("cam-a", ActionEvent.Type.ACTION_STARTED, "walk", i, -1, 0.8));
    }
    LiveHub.Viewer v = hub.connect();
    List<String> frames = drain(v);
    assertEquals(1 + 2 + 3, frames.size(), "hello, 2 predictions, the last 3 events: " + frames);
    assertTrue(
        frames.get(0).startsWith("event: hello\ndata: {\"stepSeconds\":0.25,"), frames.get(0));
    assertTrue(frames.get(1).startsWith("event: prediction\ndata: {"), frames.get(1));
    assertTrue(frames.get(2).contains("\"action\":\"run\""), frames.get(2));
    assertTrue(
        frames.get(5).startsWith("event: event\ndata: {") && frames.get(5).endsWith("}\n\n"));
    assertTrue(frames.get(3).contains("\"startTimeMs\":2"), "oldest kept event: " + frames.get(3));

    hub.accept(prediction("cam-b", 0, 2000, "jump"));
    List<String> live = drain(v);
    assertEquals(1, live.size());
    assertTrue(live.get(0).contains("\"camera\":\"cam-b\""), live.get(0));
  }

  @Test
  void shouldForgetTheCameraSilentLongestWhenFull() throws Exception {
    LiveHub hub = hub(2, 2, 100);
    hub.accept(prediction("cam-a", 0, 1000, "walk"));
    hub.accept(prediction("cam-b", 0, 1000, "walk"));
    LiveHub.Viewer v = hub.connect();
    drain(v);
    hub.accept(prediction("cam-a", 1, 1250, "walk"));
    hub.accept(prediction("cam-c", 0, 1000, "walk"));
    assertEquals(List.of("cam-a", "cam-c"), hub.cameras().stream().sorted().toList());
    assertEquals(1, hub.camerasForgotten());
    List<String> frames = drain(v);
    assertTrue(
        frames.contains("event: forget\ndata: {\"camera\":\"cam-b\"}\n\n"), frames.toString());
  }

  @Test
  void shouldDropAViewerThatFallsBehindInsteadOfQueueingWithoutLimit() throws Exception {
    LiveHub hub = hub(4, 2, 5);
    LiveHub.Viewer slow = hub.connect();
    LiveHub.Viewer fast = hub.connect();
    assertNull(hub.connect(), "two viewers at most");
    for (int i = 0; i < 20; i++) {
      hub.accept(prediction("cam-a", i, 1000 + i * 250L, "walk"));
      if (i % 4 == 0) {
        drain(fast);
      }
    }
    assertTrue(slow.isClosed());
    assertNull(slow.next(Duration.ofMillis(10), 10), "a dropped viewer's stream ends");
    assertEquals(1, hub.viewersDropped());
    assertEquals(1, hub.viewers());
    assertTrue(!fast.isClosed());
    assertNotNull(hub.connect(), "the dropped viewer's place is free again");
  }

  @Test
  void shouldEndEveryStreamWhenClosed() throws Exception {
    LiveHub hub = hub(4, 2, 5);
    LiveHub.Viewer v = hub.connect();
    hub.close();
    drain(v);
    assertTrue(v.isClosed());
    assertNull(hub.connect());
  }
}
