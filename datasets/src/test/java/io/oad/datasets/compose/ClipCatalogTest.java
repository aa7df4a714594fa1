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

class ClipCatalogTest {
  @TempDir Path tmp;

  @Test
  void shouldDeriveWeizmannLabelOrderFromTheManifest() {
    ClipCatalog catalog = ClipCatalog.load(SharedClips.weizmannDir());

    assertEquals(ClipCatalog.WEIZMANN_ACTIONS, catalog.actions());
    assertEquals(11, catalog.classNames().size());
    assertEquals(ClipCatalog.BACKGROUND, catalog.classNames().get(0));
    assertEquals(1, catalog.labelOf("bend"));
    assertEquals(10, catalog.labelOf("wave2"));
    assertEquals(
        List.of("daria", "denis", "eli", "ira", "lena", "lyova", "moshe"), catalog.subjects());
    assertEquals(70, catalog.clips().size());
    List<Clip> daria = catalog.clipsOf("daria");
    assertEquals(10, daria.size());
    assertTrue(daria.stream().allMatch(c -> c.subject().equals("daria") && c.fps() == 25));
    assertTrue(Files.isRegularFile(catalog.background("daria")));
  }

  @Test
  void shouldNameTheFolderWhenTheManifestIsMissing() {
    IngestException e = assertThrows(IngestException.class, () -> ClipCatalog.load(tmp));
    assertTrue(e.getMessage().contains("manifest.csv"), e.getMessage());
  }

  @Test
  void shouldNameAMissingClipFile() throws Exception {
    Files.writeString(
        tmp.resolve("manifest.csv"),
        "path,action,subject,frames,fps,width,height\nvideos/x/nobody_x.avi,x,nobody,10,25,180,144\n");
    IngestException e = assertThrows(IngestException.class, () -> ClipCatalog.load(tmp));
    assertTrue(e.getMessage().contains("nobody_x.avi"), e.getMessage());
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void shouldNameAMissingBackgroundPlate() throws Exception {
    Path clip = tmp.resolve("videos/x/nobody_x.avi");
    Files.createDirectories(clip.getParent());
    Files.write(clip, new byte[] {1});
    Files.writeString(
        tmp.resolve("manifest.csv"),
        "path,action,subject,frames,fps,width,height\nvideos/x/nobody_x.avi,x,nobody,10,25,180,144\n");
    IngestException e = assertThrows(IngestException.class, () -> ClipCatalog.load(tmp));
    assertTrue(e.getMessage().contains("nobody_bg.png"), e.getMessage());
  }

  @Test
  void shouldRejectAnUnknownSubjectListingTheKnownOnes() {
    ClipCatalog catalog = ClipCatalog.load(SharedClips.weizmannDir());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> catalog.clipsOf("zorro"));
    assertTrue(e.getMessage().contains("zorro") && e.getMessage().contains("daria"));
    assertThrows(IllegalArgumentException.class, () -> catalog.background("zorro"));
  }

  @Test
  void shouldReadQuotedValuesAnyColumnOrderAndCountFileLines() throws Exception {
    Path clip = tmp.resolve("videos/x/nobody, the second.avi");
    Files.createDirectories(clip.getParent());
    Files.write(clip, new byte[] {1});
    Files.createDirectories(tmp.resolve("backgrounds"));
    Files.write(tmp.resolve("backgrounds/nobody_bg.png"), new byte[] {1});
    Files.writeString(
        tmp.resolve("manifest.csv"),
        "action, subject ,path,frames,fps,width,height,note\r\n"
            + "\r\n"
            + "x,nobody,\"videos/x/nobody, the second.avi\",10,25,180,144,\"two\nlines\"\r\n");

    ClipCatalog catalog = ClipCatalog.load(tmp);

    assertEquals(1, catalog.clips().size());
    Clip c = catalog.clips().get(0);
    assertEquals("videos/x/nobody, the second.avi", c.relativePath());
    assertEquals("nobody", c.subject());
    assertEquals(144, c.height());

    Files.writeString(
        tmp.resolve("manifest.csv"),
        "path,action,subject,frames,fps,width,height,note\n"
            + "\"videos/x/nobody, the second.avi\",x,nobody,10,25,180,144,\"two\nlines\"\n"
            + "\n"
            + "\"videos/x/nobody, the second.avi\",y,nobody,ten,25,180,144,\n");
    IngestException e = assertThrows(IngestException.class, () -> ClipCatalog.load(tmp));
    assertTrue(e.getMessage().contains("manifest.csv line 5: "), e.getMessage());
    assertTrue(e.getMessage().contains("\"ten\""), e.getMessage());

    Files.writeString(
        tmp.resolve("manifest.csv"),
        "path,action,subject,frames,fps,width,height\n\"videos/x/nobody, the second.avi\",x\n");
    e = assertThrows(IngestException.class, () -> ClipCatalog.load(tmp));
    assertTrue(e.getMessage().contains("manifest.csv line 2: "), e.getMessage());

    Files.writeString(tmp.resolve("manifest.csv"), "path,action,subject,frames,fps,width\n");
    e = assertThrows(IngestException.class, () -> ClipCatalog.load(tmp));
    assertTrue(e.getMessage().contains("lacks column 'height'"), e.getMessage());

    Files.writeString(
        tmp.resolve("manifest.csv"),
        "path,action,subject,frames,fps,width,height\n\"videos/x/a.avi\"x,x,x,1,1,1,1\n");
    e = assertThrows(IngestException.class, () -> ClipCatalog.load(tmp));
    assertTrue(e.getMessage().contains("not a valid CSV manifest file"), e.getMessage());
  }
}
