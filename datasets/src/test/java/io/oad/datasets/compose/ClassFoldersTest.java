package io.oad.datasets.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.ingest.IngestException;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassFoldersTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static final String BY_SUBJECT = "^([a-z]+)_";

  @TempDir Path tmp;

  /** Copies the shared clips as {@code clips/<action>/<subject>_<action>.avi}. */
  private Path layout(List<String> actions, List<String> subjects) throws Exception {
    return ClassFolderLayout.weizmann(tmp.resolve("clips"), actions, subjects, false);
  }

  @Test
  void groupsComeFromThePatternAndEachGetsAMedianBackground() throws Exception {
    Path clips = layout(List.of("walk", "wave1"), List.of("daria", "ira"));
    ClipCatalog c = ClassFolders.load(clips, BY_SUBJECT, tmp.resolve("bg"), QUIET);
    assertEquals(List.of("walk", "wave1"), c.actions());
    assertEquals(List.of("background", "walk", "wave1"), c.classNames());
    assertEquals(List.of("daria", "ira"), c.subjects());
    assertEquals(2, c.clipsOf("ira").size());
    Clip walk = c.clipsOf("daria").get(0);
    assertEquals("walk/daria_walk.avi", walk.relativePath());
    assertEquals(180, walk.width());
    assertEquals(25.0, walk.fps(), 1e-9);
    assertTrue(walk.frames() > 20, "frames " + walk.frames());
    BufferedImage plate = ImageIO.read(c.background("daria").toFile());
    assertEquals(180, plate.getWidth());
    assertEquals(144, plate.getHeight());
    // the median is the empty scene: close to the plate shipped with the data set
    BufferedImage shipped =
        ImageIO.read(
            SharedClips.weizmannDir().resolve("backgrounds").resolve("daria_bg.png").toFile());
    double diff = SharedClips.meanAbsDiff(plate, shipped);
    assertTrue(diff < 12, "median background differs from the empty scene by " + diff);
  }

  @Test
  void withoutAPatternEveryClipIsItsOwnGroup() throws Exception {
    Path clips = layout(List.of("walk", "wave1"), List.of("daria", "ira"));
    ClipCatalog c = ClassFolders.load(clips, null, tmp.resolve("bg"), QUIET);
    assertEquals(List.of("daria_walk", "daria_wave1", "ira_walk", "ira_wave1"), c.subjects());
  }

  @Test
  void errorsNameTheFile() throws Exception {
    Path clips = layout(List.of("walk", "wave1"), List.of("daria", "ira"));
    Path bg = tmp.resolve("bg");
    IngestException noMatch =
        assertThrows(IngestException.class, () -> ClassFolders.load(clips, "^(x+)_", bg, QUIET));
    assertTrue(noMatch.getMessage().contains("daria_walk.avi"), noMatch.getMessage());

    Path broken = clips.resolve("walk").resolve("lena_walk.avi");
    Files.writeString(broken, "not a video");
    IngestException unreadable =
        assertThrows(IngestException.class, () -> ClassFolders.load(clips, BY_SUBJECT, bg, QUIET));
    assertTrue(unreadable.getMessage().contains(broken.toString()), unreadable.getMessage());
    Files.delete(broken);

    Path lonely = clips.resolve("jump");
    Files.createDirectories(lonely);
    Files.copy(clips.resolve("walk").resolve("ira_walk.avi"), lonely.resolve("ira_jump.avi"));
    IngestException one =
        assertThrows(IngestException.class, () -> ClassFolders.load(clips, BY_SUBJECT, bg, QUIET));
    assertTrue(one.getMessage().contains(lonely.toString()), one.getMessage());
  }

  @Test
  void aGroupThatMatchesNothingIsNamed() throws Exception {
    Path clips = layout(List.of("walk", "wave1"), List.of("daria", "ira"));
    ClipCatalog c = ClassFolders.load(clips, BY_SUBJECT, tmp.resolve("bg"), QUIET);
    ClassFolders.requireGroups(c, List.of("ira"), "--holdout-groups");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClassFolders.requireGroups(c, List.of("moshe"), "--holdout-groups"));
    assertTrue(e.getMessage().contains("'moshe'"), e.getMessage());
    assertTrue(e.getMessage().contains("--holdout-groups"), e.getMessage());
  }

  /** Re-encodes {@code from} at another size, codec and frame rate. */
  private static void reencode(Path from, Path to, int width, int height, double fps) {
    BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    try (StreamWriter writer = new StreamWriter(to, width, height, fps, StreamCodec.MJPEG)) {
      ClipFrames.forEach(from, frame, writer::write);
    }
  }

  @Test
  void clipsOfAGroupMayDifferInSizeAndCodecButNotInFrameRate() throws Exception {
    Path clips = layout(List.of("walk", "wave1"), List.of("daria", "ira"));
    Path big = clips.resolve("wave1").resolve("daria_wave1.avi");
    Path source = SharedClips.weizmannDir().resolve("videos/wave1/daria_wave1.avi");
    Files.delete(big);
    reencode(source, big, 320, 240, 25);
    ClipCatalog c = ClassFolders.load(clips, BY_SUBJECT, tmp.resolve("bg"), QUIET);
    assertEquals(320, c.clipsOf("daria").get(1).width());
    ComposedStream stream =
        StreamComposer.compose(
            c, "daria", 1, ComposeOptions.builder().build(), tmp.resolve("s/daria.avi"));
    assertEquals(180, stream.width(), "the stream has the size of the group's first clip");
    int clipFrames = c.clipsOf("daria").stream().mapToInt(Clip::frames).sum();
    assertTrue(stream.frames() >= clipFrames, stream.frames() + " frames, clips " + clipFrames);

    Files.delete(big);
    reencode(source, big, 180, 144, 30);
    IngestException e =
        assertThrows(
            IngestException.class,
            () -> ClassFolders.load(clips, BY_SUBJECT, tmp.resolve("bg"), QUIET));
    assertTrue(e.getMessage().contains(big.toString()), e.getMessage());
  }
}
