package io.oad.datasets.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeAllTest {
  @TempDir Path tmp;

  @Test
  void shouldWriteSeveralStreamsPerSubjectAndAnIndex() throws Exception {
    ClipCatalog catalog = ClipCatalog.load(SharedClips.weizmannDir());
    ComposeOptions options =
        ComposeOptions.builder()
            .optStreamsPerSubject(2)
            .optCodec(StreamCodec.MJPEG)
            .optGapSeconds(1, 1.5)
            .optVerifyReadBack(false)
            .build();

    List<ComposedStream> streams =
        StreamComposer.composeAll(catalog, List.of("eli"), 40, options, tmp);

    assertEquals(2, streams.size());
    assertEquals(40, streams.get(0).seed());
    assertEquals(41, streams.get(1).seed());
    assertNotEquals(
        streams.get(0).segments(), streams.get(1).segments(), "different seeds, other layout");
    List<String> index = Files.readAllLines(tmp.resolve(StreamComposer.INDEX_FILE));
    assertEquals("stream,labels,subject,seed,frames,fps,width,height", index.get(0));
    assertEquals(3, index.size());
    for (int i = 0; i < streams.size(); i++) {
      ComposedStream s = streams.get(i);
      String[] row = index.get(i + 1).split(",");
      assertEquals("eli_seed" + s.seed() + ".avi", row[0]);
      assertEquals("eli_seed" + s.seed() + ".labels.csv", row[1]);
      assertEquals("eli", row[2]);
      assertEquals(s.frames(), Integer.parseInt(row[4]));
      assertEquals(25.0, Double.parseDouble(row[5]));
      assertEquals(s.frames(), SharedClips.countFrames(tmp.resolve(row[0])));
      assertArrayEquals(s.labels(), LabelFiles.readLabels(tmp.resolve(row[1])));
      assertTrue(Files.isRegularFile(LabelFiles.segmentsFileFor(s.video())));
    }
    ComposedStream again =
        StreamComposer.compose(catalog, "eli", 40, options, tmp.resolve("again/eli.avi"));
    assertEquals(-1, Files.mismatch(streams.get(0).video(), again.video()), "MJPEG is bit-exact");
  }

  @Test
  void shouldRefuseAnUnknownSubjectBeforeWritingAnything() throws Exception {
    ClipCatalog catalog = ClipCatalog.load(SharedClips.weizmannDir());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StreamComposer.composeAll(
                    catalog, List.of("eli", "zorro"), 1, ComposeOptions.defaults(), tmp));
    assertTrue(e.getMessage().contains("zorro"));
    try (var files = Files.list(tmp)) {
      assertEquals(0, files.count());
    }
  }
}
