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

  private static Map<String, IngestOptions> parseYaml(String text) {
    return CameraFile.parse(text, "cams.yaml", CameraFileTest::defaults);
  }

  private static String rejectedYaml(String text) {
    return assertThrows(IllegalArgumentException.class, () -> parseYaml(text)).getMessage();
  }

  private static void assertYamlRejected(String text, String expected) {
    String message = rejectedYaml(text);
    assertTrue(message.contains(expected), message);
  }

  @Test
  void shouldReadYamlWithTheSameMeaningAsProperties() {
    String properties =
        """
        camera.lobby.url = rtsp://10.0.0.5/stream1
        camera.lobby.fps = 4
        camera.lobby.size = 0x0
        camera.door.cam-2.url = /videos/walk.avi
        camera.door.cam-2.size = 320X240
        camera.door.cam-2.loop = true
        camera.door.cam-2.realtime = false
        """;
    String yaml =
        """
        # two cameras
        cameras:
          lobby:
            url: rtsp://10.0.0.5/stream1
            fps: 4
            size: 0x0
          "door.cam-2":
            url: /videos/walk.avi
            size: 320X240
            loop: true
            realtime: "false"
        """;

    Map<String, IngestOptions> fromYaml = parseYaml(yaml);

    assertEquals(parse(properties), fromYaml);
    assertEquals(List.of("lobby", "door.cam-2"), List.copyOf(fromYaml.keySet()));
    assertEquals(4.0, fromYaml.get("lobby").targetFps());
    assertEquals(2.0, fromYaml.get("door.cam-2").targetFps(), "default fps");
    assertTrue(fromYaml.get("door.cam-2").loop());
    assertFalse(fromYaml.get("door.cam-2").realtime());
  }

  @Test
  void shouldPickYamlByTheFileName() {
    String yaml = "cameras:\n  a:\n    url: /v.avi\n";
    for (String name : List.of("c.yaml", "c.yml", "dir/C.YML")) {
      assertEquals(
          List.of("a"),
          List.copyOf(CameraFile.parse(yaml, name, CameraFileTest::defaults).keySet()),
          name);
    }
    assertTrue(CameraFile.isYaml("x.yaml") && CameraFile.isYaml("x.Yml"));
    assertFalse(CameraFile.isYaml("x.properties") || CameraFile.isYaml("yaml"));
    // the properties reader does not take YAML
    assertTrue(
        rejected(yaml).startsWith("cams.properties:1: expected key = value, got 'cameras:'"));
  }

  @Test
  void shouldAcceptAYamlFileWithoutCameras() {
    assertTrue(parseYaml("").isEmpty());
    assertTrue(parseYaml("# nothing yet\n").isEmpty());
    assertTrue(parseYaml("cameras:\n").isEmpty());
    assertTrue(parseYaml("cameras: {}\n").isEmpty());
  }

  @Test
  void shouldNameTheLineAndKeyOfEveryYamlProblem() {
    String ok = "cameras:\n  a:\n    url: /v.avi\n";
    assertEquals(
        "cams.yaml:4: cameras.a.fps: not a number: 'fast'", rejectedYaml(ok + "    fps: fast\n"));
    assertTrue(
        rejectedYaml(ok + "    fps: 0\n").startsWith("cams.yaml:4: cameras.a.fps: targetFps"));
    assertTrue(
        rejectedYaml(ok + "    size: 12\n")
            .startsWith("cams.yaml:4: cameras.a.size: expected WxH"));
    assertYamlRejected(ok + "    size: 99999x2\n", ":4: cameras.a.size: width");
    assertYamlRejected(
        ok + "    loop: yes\n", ":4: cameras.a.loop: expected true or false, got 'yes'");
    assertYamlRejected(ok + "    colour: red\n", ":4: cameras.a.colour: unknown field");
    assertYamlRejected(
        ok + "    url: /w.avi\n", ":4: cameras.a.url is set twice (first on line 3)");
    assertYamlRejected(
        ok + "  a:\n    url: /w.avi\n", ":4: cameras.a is set twice (first on line 2)");
    assertYamlRejected(ok + "  b:\n    fps: 4\n", ":4: camera 'b' has no cameras.b.url");
    assertYamlRejected(ok + "  b:\n", ":4: camera 'b' has no cameras.b.url");
    assertYamlRejected(ok + "  b:\n    url: ftp://x/y\n", ":5: cameras.b.url: source 'ftp://x/y'");
    assertYamlRejected(ok + "    fps:\n", ":4: cameras.a.fps: value is empty");
    assertYamlRejected(ok + "    url2: [1, 2]\n", ":4: cameras.a.url2: unknown field");
    assertYamlRejected(
        ok + "    size: [160, 120]\n", ":4: cameras.a.size: expected a single value");
    assertYamlRejected(
        ok + "  \"b c\":\n    url: /w.avi\n", ":4: cameras.b c: camera id 'b c' may only hold");
    assertTrue(
        rejectedYaml(ok + "camera:\n  b:\n").contains(":4: unknown key 'camera' (the file holds"));
    assertYamlRejected(ok + "cameras:\n", ":4: cameras is set twice (first on line 1)");
    assertTrue(
        rejectedYaml("- a\n- b\n").startsWith("cams.yaml:1: expected 'cameras:' at the top"));
    assertTrue(
        rejectedYaml("cameras:\n  - a\n").startsWith("cams.yaml:2: cameras: expected a map"));
    assertTrue(
        rejectedYaml("cameras:\n  a: /v.avi\n")
            .startsWith("cams.yaml:2: cameras.a: expected url:, fps:, ... below the camera id"));
    assertYamlRejected(ok + "---\ncameras: {}\n", ":5: expected one YAML document");
    String syntax = rejectedYaml(ok + "    fps: \"4\n");
    assertTrue(syntax.matches("cams.yaml:[45]: not valid YAML: .*"), syntax);
    assertTrue(syntax.contains("not valid YAML"), syntax);
    assertFalse(syntax.contains("\n"), "one line: " + syntax);
  }
}
