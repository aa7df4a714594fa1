package io.oad.datasets.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.ingest.IngestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelFilesTest {
  @TempDir Path tmp;

  @Test
  void shouldWriteAndReadBackLabelsQuotingNamesThatNeedIt() throws Exception {
    Path file = tmp.resolve("s.labels.csv");
    List<String> classes = List.of("background", "wave, two hands", "say \"hi\"");

    LabelFiles.writeLabels(file, new int[] {0, 1, 2, 1}, 25, classes);

    assertEquals(
        List.of(
            LabelFiles.LABELS_HEADER,
            "0,0.000000,0,background",
            "1,0.040000,1,\"wave, two hands\"",
            "2,0.080000,2,\"say \"\"hi\"\"\"",
            "3,0.120000,1,\"wave, two hands\""),
        Files.readAllLines(file));
    assertArrayEquals(new int[] {0, 1, 2, 1}, LabelFiles.readLabels(file));
  }

  @Test
  void shouldWriteSegmentsWithAnEmptyClipForGaps() throws Exception {
    Path file = tmp.resolve("s.segments.csv");

    LabelFiles.writeSegments(
        file,
        List.of(
            new Segment(0, 10, 0, "background", Optional.empty()),
            new Segment(10, 30, 1, "walk", Optional.of("videos/walk/a,b.avi"))));

    assertEquals(
        List.of(
            LabelFiles.SEGMENTS_HEADER,
            "0,10,0,background,",
            "10,30,1,walk,\"videos/walk/a,b.avi\""),
        Files.readAllLines(file));
  }

  @Test
  void shouldNameTheLineOfABadLabelRow() throws Exception {
    Path file = tmp.resolve("bad.labels.csv");
    Files.writeString(file, LabelFiles.LABELS_HEADER + "\n0,0.0,1,a\n2,0.1,1,a\n");
    IngestException e = assertThrows(IngestException.class, () -> LabelFiles.readLabels(file));
    assertTrue(e.getMessage().endsWith("line 3: expected frame 1"), e.getMessage());

    Files.writeString(file, LabelFiles.LABELS_HEADER + "\n0,0.0,one,a\n");
    e = assertThrows(IngestException.class, () -> LabelFiles.readLabels(file));
    assertTrue(e.getMessage().contains("line 2: "), e.getMessage());

    Files.writeString(file, LabelFiles.LABELS_HEADER + "\n0,0.0\n");
    e = assertThrows(IngestException.class, () -> LabelFiles.readLabels(file));
    assertTrue(e.getMessage().contains("line 2: "), e.getMessage());

    Files.writeString(file, "frame,label\n0,1\n");
    e = assertThrows(IngestException.class, () -> LabelFiles.readLabels(file));
    assertTrue(e.getMessage().contains("does not start with"), e.getMessage());
  }
}
