package io.oad.datasets.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.ingest.IngestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotationsTest {
  @TempDir Path tmp;

  private Path write(String name, String text) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  /** Reading fails with a message that names the file and holds every one of {@code parts}. */
  private void refused(Path file, String... parts) {
    IngestException e = assertThrows(IngestException.class, () -> Annotations.read(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
  }

  @Test
  void readsThumosStyleCsvInAnyColumnOrder() throws Exception {
    Path csv =
        write(
            "a.csv",
            "action,video,end_s,start_s\n"
                + "walk,cam1.avi,4.5,1.0\n"
                + "\n"
                + "jack,cam1,9,6.25\n"
                + "walk,cam2,2,0\n");
    Annotations a = Annotations.read(csv);
    assertEquals(csv.toAbsolutePath(), a.file());
    assertEquals(List.of("cam1.avi", "cam1", "cam2"), a.videos());
    assertEquals(List.of("jack", "walk"), a.actions());
    assertEquals(3, a.intervals().size());
    Annotations.Interval jack = a.intervals().get(1);
    assertEquals("cam1", jack.video());
    assertEquals(6.25, jack.start());
    assertEquals(9.0, jack.end());
    assertTrue(jack.where().endsWith("a.csv line 4"), jack.where());
  }

  @Test
  void readsActivityNetJsonAndSkipsUnlabelledTestVideos() throws Exception {
    Path json =
        write(
            "anet.json",
            """
            {"version": "VERSION 1.3", "database": {
              "abc": {"duration": 12.0, "subset": "training",
                      "annotations": [{"segment": [1.5, 4.0], "label": "Long jump"},
                                      {"segment": [6, 8.25], "label": "Javelin throw"}]},
              "bg": {"duration": 5.0, "subset": "validation", "annotations": []},
              "t": {"duration": 5.0, "subset": "testing", "annotations": []}}}
            """);
    Annotations a = Annotations.read(json);
    assertEquals(List.of("abc", "bg"), a.videos());
    assertEquals(List.of("Javelin throw", "Long jump"), a.actions());
    assertEquals(8.25, a.intervals().get(1).end());
    assertTrue(a.intervals().get(1).where().endsWith("database.abc.annotations[1]"));
  }

  @Test
  void refusesBadCsvNamingTheFileAndLine() throws Exception {
    refused(write("h1.csv", "video,label,start_s,end_s\nx,walk,0,1\n"), "unknown column 'label'");
    refused(write("h2.csv", "video,action,start_s\nx,walk,0\n"), "lacks column 'end_s'");
    refused(write("h3.csv", ""), "empty");
    refused(write("h4.csv", "video,action,start_s,end_s\n"), "no annotation rows");
    refused(
        write("n.csv", "video,action,start_s,end_s\nx,walk,zero,1\n"), "line 2", "not a number");
    refused(
        write("o.csv", "video,action,start_s,end_s\nx,walk,0,1\nx,jack,3,2\n"), "line 3", "end");
    refused(write("z.csv", "video,action,start_s,end_s\nx,walk,2,2\n"), "not after start");
    refused(write("m.csv", "video,action,start_s,end_s\nx,walk,-1,2\n"), "before the video starts");
    refused(write("b.csv", "video,action,start_s,end_s\nx,,1,2\n"), "line 2", "empty action");
    refused(write("s.csv", "video,action,start_s,end_s\nx,walk,1\n"), "line 2", "fewer values");
  }

  @Test
  void refusesBadJsonNamingTheFileAndRecord() throws Exception {
    refused(write("broken.json", "{\"database\": {"), "not valid JSON");
    refused(write("nodb.json", "{\"videos\": {}}"), "no \"database\" object");
    refused(
        write(
            "seg.json",
            "{\"database\": {\"v1\": {\"annotations\": [{\"segment\": [1], \"label\": \"a\"}]}}}"),
        "database.v1.annotations[0]",
        "segment");
    refused(
        write(
            "lab.json",
            "{\"database\": {\"v1\": {\"annotations\": [{\"segment\": [1, 2], \"label\": 3}]}}}"),
        "database.v1.annotations[0]",
        "label");
    refused(
        write(
            "rev.json",
            "{\"database\": {\"v1\": {\"annotations\": [{\"segment\": [5, 2], \"label\": \"a\"}]}}}"),
        "database.v1.annotations[0]",
        "not after start");
    refused(write("none.json", "{\"database\": {\"v1\": {\"annotations\": []}}}"), "no action");
  }

  @Test
  void refusesAMissingFileAndAnUnknownExtension() throws Exception {
    refused(tmp.resolve("absent.csv"), "does not exist");
    refused(write("a.txt", "video,action,start_s,end_s\n"), "neither .csv");
  }
}
