package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CameraFileTest {
  private static IngestOptions.Builder defaults() {
    return IngestOptions.builder()
        .optTargetFps(2)
        .optSize(64, 48)
        .optRealtime(true)
        .optReconnect(true);
  }

  private static Map<String, IngestOptions> parse(String text) {
    return CameraFile.parse(text, "cams.properties", CameraFileTest::defaults);
  }

  private static String rejected(String text) {
    return assertThrows(IllegalArgumentException.class, () -> parse(text)).getMessage();
  }

  @Test
  void shouldReadCamerasInFileOrderWithDefaultsForWhatIsNotSet() {
    Map<String, IngestOptions> cams =
        parse(
            """
            # two cameras
            camera.lobby.url = rtsp://10.0.0.5/stream1
            camera.lobby.fps = 4
            ! a comment too

            camera.door.cam-2.url=/videos/walk.avi
            camera.door.cam-2.size = 320X240
            camera.door.cam-2.loop = true
            camera.door.cam-2.realtime = false
            camera.lobby.size = 0x0
            """);

    assertEquals(List.of("lobby", "door.cam-2"), List.copyOf(cams.keySet()));
    IngestOptions lobby = cams.get("lobby");
    assertEquals("lobby", lobby.cameraId());
    assertEquals(List.of("rtsp://10.0.0.5/stream1"), lobby.sources());
    assertEquals(4.0, lobby.targetFps());
    assertEquals(0, lobby.width());
    assertTrue(lobby.realtime() && lobby.reconnect() && !lobby.loop());
    IngestOptions door = cams.get("door.cam-2");
    assertEquals(2.0, door.targetFps(), "default fps");
    assertEquals(320, door.width());
    assertEquals(240, door.height());
    assertTrue(door.loop());
    assertFalse(door.realtime());
  }

  @Test
  void shouldAcceptAFileWithoutCameras() {
    assertTrue(parse("# nothing yet\n\n").isEmpty());
  }

  @Test
  void shouldNameTheLineAndKeyOfEveryProblem() {
    String ok = "camera.a.url = /v.avi\n";
    assertTrue(
        rejected(ok + "camera.a.fps = fast\n").startsWith("cams.properties:2: camera.a.fps"));
    assertTrue(
        rejected(ok + "camera.a.fps = 0\n")
            .startsWith("cams.properties:2: camera.a.fps: targetFps"));
    assertTrue(
        rejected(ok + "camera.a.size = 12\n").startsWith("cams.properties:2: camera.a.size"));
    assertTrue(rejected(ok + "camera.a.size = 99999x2\n").contains(":2: camera.a.size: width"));
    assertTrue(
        rejected(ok + "camera.a.loop = yes\n")
            .contains(":2: camera.a.loop: expected true or false"));
    assertTrue(
        rejected(ok + "camera.a.colour = red\n").contains(":2: camera.a.colour: unknown field"));
    assertTrue(
        rejected(ok + "\ncamera.a.url = /w.avi\n")
            .contains(":3: camera.a.url is set twice (first on line 1)"));
    assertTrue(
        rejected(ok + "cameras.a.url = /w.avi\n").contains(":2: unknown key 'cameras.a.url'"));
    assertTrue(rejected(ok + "camera.url = /w.avi\n").contains(":2: unknown key"));
    assertTrue(
        rejected(ok + "camera.b c.url = /w.avi\n").contains(":2: camera.b c.url: camera id"));
    assertTrue(rejected(ok + "just some words\n").contains(":2: expected key = value"));
    assertTrue(rejected(ok + "camera.b.fps = 4\n").contains(":2: camera 'b' has no camera.b.url"));
    assertTrue(
        rejected(ok + "camera.b.url = ftp://x/y\n")
            .contains(":2: camera.b.url: source 'ftp://x/y'"));
    assertTrue(rejected(ok + "camera.b.url =\n").contains(":2: camera.b.url: value is empty"));
  }
}
