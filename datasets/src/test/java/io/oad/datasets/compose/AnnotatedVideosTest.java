package io.oad.datasets.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.ingest.IngestException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Untrimmed videos (shared Weizmann clips, 25 fps) labelled from annotation files. */
class AnnotatedVideosTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @TempDir Path tmp;
  private Path videos;

  @BeforeEach
  void videos() throws Exception {
    videos = Files.createDirectories(tmp.resolve("videos"));
    Path shared = SharedClips.weizmannDir().resolve("videos");
    // daria_walk.avi: 84 frames at 25 fps (3.36 s), ira_jack.avi: 70 frames (2.8 s)
    Files.createSymbolicLink(videos.resolve("cam1_a.avi"), shared.resolve("walk/daria_walk.avi"));
    Files.createSymbolicLink(videos.resolve("cam2_b.avi"), shared.resolve("jack/ira_jack.avi"));
  }

  private AnnotatedVideos load(String name, String text, String pattern) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, text);
    return AnnotatedVideos.load(
        videos, Annotations.read(file), pattern, tmp.resolve("labels"), QUIET);
  }

  private IngestException refused(String name, String text) {
    IngestException e = assertThrows(IngestException.class, () -> load(name, text, null));
    assertTrue(e.getMessage().contains(name), "file not named: " + e.getMessage());
    return e;
  }

  @Test
  void labelsEveryFrameAtItsTimeAndGroupsByThePattern() throws Exception {
    AnnotatedVideos v =
        load(
            "a.csv",
            "video,action,start_s,end_s\ncam1_a,walk,1.0,2.0\ncam1_a.avi,walk,1.9,2.2\n"
                + "cam2_b.avi,jack,0.5,3.1\n",
            "^(cam[0-9])_");
    assertEquals(List.of("background", "jack", "walk"), v.classNames());
    assertEquals(List.of("cam1", "cam2"), v.groups());
    assertEquals(Set.of("walk"), v.actionsOf("cam1"));
    ComposedStream walk = v.streamsOf("cam1").get(0);
    assertEquals(videos.resolve("cam1_a.avi"), walk.video());
    assertEquals(25.0, walk.fps(), 1e-9);
    assertEquals(84, walk.frames());
    int[] labels = walk.labels();
    // frame i at i/25 s: [1.0, 2.2) is frames 25..54 (same-action intervals merge)
    for (int i = 0; i < labels.length; i++) {
      assertEquals(i >= 25 && i < 55 ? 2 : 0, labels[i], "frame " + i);
    }
    assertEquals(3, walk.segments().size());
    assertEquals("walk", walk.segments().get(1).labelName());
    // the labels are recorded, readable by the project's own reader
    assertArrayEquals(labels, LabelFiles.readLabels(walk.labelsFile()));
    assertTrue(walk.labelsFile().startsWith(tmp.resolve("labels")));
    // past its end by less than the tolerance: clamped to the last frame
    ComposedStream jack = v.streamsOf("cam2").get(0);
    assertEquals(1, jack.labelAt(jack.frames() - 1));
  }

  @Test
  void matchesActivityNetIdsWithAndWithoutTheVPrefix() throws Exception {
    Files.move(videos.resolve("cam2_b.avi"), videos.resolve("v_XyZ-09.avi"));
    AnnotatedVideos v =
        load(
            "anet.json",
            """
            {"database": {
              "XyZ-09": {"duration": 3, "subset": "training",
                         "annotations": [{"segment": [0.2, 1.0], "label": "Jumping jacks"}]},
              "cam1_a": {"duration": 3, "subset": "validation", "annotations": []}}}
            """,
            null);
    assertEquals(List.of("cam1_a", "v_XyZ-09"), v.groups());
    assertEquals(Set.of(), v.actionsOf("cam1_a"));
    assertEquals(1, v.streamsOf("v_XyZ-09").get(0).labelAt(10));
    assertEquals(0, v.streamsOf("cam1_a").get(0).labelAt(10));
  }

  @Test
  void namesTheMissingOrUnreadableVideo() throws Exception {
    IngestException missing = refused("m.csv", "video,action,start_s,end_s\ncam9,walk,0,1\n");
    assertTrue(missing.getMessage().contains("'cam9'"), missing.getMessage());
    Files.writeString(videos.resolve("broken.avi"), "not a video");
    IngestException e =
        assertThrows(
            IngestException.class,
            () -> load("u.csv", "video,action,start_s,end_s\nbroken,walk,0,1\n", null));
    assertTrue(e.getMessage().contains(videos.resolve("broken.avi").toString()), e.getMessage());
  }

  @Test
  void refusesAnIntervalOutsideTheVideo() {
    IngestException late = refused("l.csv", "video,action,start_s,end_s\ncam1_a,walk,1,4.0\n");
    assertTrue(late.getMessage().contains("line 2"), late.getMessage());
    assertTrue(late.getMessage().contains("3.360 s"), late.getMessage());
    refused("s.csv", "video,action,start_s,end_s\ncam1_a,walk,3.5,3.7\n");
  }

  @Test
  void refusesOverlappingActionsNamingBoth() {
    IngestException e =
        refused("o.csv", "video,action,start_s,end_s\ncam1_a,walk,0,2\ncam1_a,jack,1.5,3\n");
    assertTrue(e.getMessage().contains("walk") && e.getMessage().contains("jack"), e.getMessage());
    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("line 3"));
  }

  @Test
  void refusesAnActionCalledBackground() {
    refused("bg.csv", "video,action,start_s,end_s\ncam1_a,background,0,2\n");
  }
}
