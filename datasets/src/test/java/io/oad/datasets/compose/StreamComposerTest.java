package io.oad.datasets.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real stream of daria's clips, composed once and inspected by every test. */
class StreamComposerTest {
  private static final String SUBJECT = "daria";
  private static final long SEED = 7;
  private static final ComposeOptions OPTIONS =
      ComposeOptions.builder()
          .optCodec(StreamCodec.FFV1)
          .optLeadingBackground(true)
          .optTrailingBackground(true)
          .build();

  @TempDir static Path tmp;
  private static ClipCatalog catalog;
  private static ComposedStream stream;
  private static List<BufferedImage> decoded;

  @BeforeAll
  static void compose() throws Exception {
    catalog = ClipCatalog.load(SharedClips.weizmannDir());
    stream = StreamComposer.compose(catalog, SUBJECT, SEED, OPTIONS, tmp.resolve("a/daria_7.avi"));
    decoded = SharedClips.decodeAll(stream.video());
  }

  @Test
  void shouldShowEveryClipOnceWithGapsBetweenSome() throws Exception {
    List<Segment> segments = stream.segments();
    int clipFrames = 0;
    int gapFrames = 0;
    Set<String> shown = new HashSet<>();
    int expectedStart = 0;
    for (Segment s : segments) {
      assertEquals(expectedStart, s.start(), "segments tile the stream");
      expectedStart = s.end();
      if (s.isBackground()) {
        gapFrames += s.frames();
        assertTrue(s.frames() >= 25 && s.frames() <= 100, "gap of 1-4 s: " + s);
      } else {
        Path clip = catalog.dir().resolve(s.clipPath().orElseThrow());
        assertEquals(SharedClips.countFrames(clip), s.frames(), "all frames of " + clip);
        clipFrames += s.frames();
        assertTrue(shown.add(s.clipPath().orElseThrow()), "shown once: " + s);
      }
    }
    assertEquals(stream.frames(), clipFrames + gapFrames);
    assertEquals(catalog.clipsOf(SUBJECT).size(), shown.size());
    assertTrue(segments.get(0).isBackground(), "leading gap");
    assertTrue(segments.get(segments.size() - 1).isBackground(), "trailing gap");
  }

  @Test
  void shouldLabelEveryFrameOfASegmentWithItsAction() {
    for (Segment s : stream.segments()) {
      int expected =
          s.isBackground()
              ? 0
              : catalog.labelOf(
                  catalog.clipsOf(SUBJECT).stream()
                      .filter(c -> c.relativePath().equals(s.clipPath().orElseThrow()))
                      .findFirst()
                      .orElseThrow()
                      .action());
      assertEquals(expected, s.label());
      assertEquals(catalog.classNames().get(expected), s.labelName());
      for (int f = s.start(); f < s.end(); f++) {
        assertEquals(expected, stream.labelAt(f), "frame " + f);
      }
    }
    assertArrayEquals(stream.labels(), LabelFiles.readLabels(stream.labelsFile()));
  }

  @Test
  void shouldReadBackEveryFrameAtTheClipSize() {
    assertEquals(stream.frames(), decoded.size());
    assertEquals(180, decoded.get(0).getWidth());
    assertEquals(144, decoded.get(0).getHeight());
    assertEquals(25.0, stream.fps());
  }

  @Test
  void shouldReproduceClipFramesClosely() throws Exception {
    for (Segment s : stream.segments()) {
      if (!s.isBackground()) {
        List<BufferedImage> clip =
            SharedClips.decodeAll(catalog.dir().resolve(s.clipPath().orElseThrow()));
        for (int i : new int[] {0, clip.size() / 2, clip.size() - 1}) {
          double diff = SharedClips.meanAbsDiff(clip.get(i), decoded.get(s.start() + i));
          assertTrue(diff < 4.0, s + " frame " + i + " differs by " + diff);
        }
      }
    }
  }

  @Test
  void shouldRenderGapsAsANoisyPlateThatNeverFreezes() throws Exception {
    BufferedImage plate = ImageIO.read(catalog.background(SUBJECT).toFile());
    Segment gap = stream.segments().get(0);
    for (int f = gap.start(); f < gap.end(); f++) {
      double toPlate = SharedClips.meanAbsDiff(plate, decoded.get(f));
      assertTrue(toPlate < 10, "gap frame " + f + " is " + toPlate + " from the plate");
      if (f > gap.start()) {
        double toPrevious = SharedClips.meanAbsDiff(decoded.get(f - 1), decoded.get(f));
        assertTrue(toPrevious > 1.0, "gap frames " + (f - 1) + "," + f + ": " + toPrevious);
      }
    }
  }

  @Test
  void shouldRepeatItselfForTheSameSeedByteForByte() throws Exception {
    ComposedStream again =
        StreamComposer.compose(catalog, SUBJECT, SEED, OPTIONS, tmp.resolve("b/daria_7.avi"));
    assertArrayEquals(stream.labels(), again.labels());
    assertEquals(stream.segments(), again.segments());
    assertEquals(-1, Files.mismatch(stream.video(), again.video()), "identical video bytes");
    assertEquals(-1, Files.mismatch(stream.labelsFile(), again.labelsFile()));
  }

  @Test
  void shouldChangeTheOrderForAnotherSeed() {
    ComposeOptions quick = ComposeOptions.builder().optVerifyReadBack(false).build();
    ComposedStream other =
        StreamComposer.compose(catalog, SUBJECT, SEED + 1, quick, tmp.resolve("c/daria_8.avi"));
    assertNotEquals(clipOrder(stream), clipOrder(other));
  }

  @Test
  void shouldLabelStepsAtTheFramesTheSamplerPicks() {
    int[] steps = stream.stepFrames(4.0);
    int[] labels = stream.labelsAt(4.0);
    // FrameSampler keeps floor((N - 1) * 4 / 25) + 1 frames; instant j is served by the first
    // frame i with i / 25 >= j / 4
    assertEquals((stream.frames() - 1) * 4 / 25 + 1, steps.length);
    for (int k = 0; k < steps.length; k++) {
      assertEquals((int) Math.ceil(k * 25 / 4.0), steps[k], "step " + k);
      assertEquals(stream.labelAt(steps[k]), labels[k]);
    }
    assertEquals(stream.frames(), stream.labelsAt(25.0).length, "every frame at the source rate");
  }

  private static List<String> clipOrder(ComposedStream s) {
    return s.segments().stream()
        .filter(x -> !x.isBackground())
        .map(x -> x.clipPath().orElseThrow())
        .toList();
  }
}
