package io.oad.datasets.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A catalog of 160x120 synthetic clips with a 180x144 plate: clips are resized to the plate. */
class ResizedClipsTest {
  @TempDir Path tmp;

  @Test
  void shouldResizeClipsToThePlateSize() throws Exception {
    SyntheticVideo.render(tmp.resolve("videos/a/sam_a.avi"), 1, 2);
    SyntheticVideo.render(tmp.resolve("videos/b/sam_b.avi"), 2, 2);
    Files.writeString(
        tmp.resolve("manifest.csv"),
        "path,action,subject,frames,fps,width,height\n"
            + "videos/b/sam_b.avi,b,sam,50,25,160,120\n"
            + "videos/a/sam_a.avi,a,sam,50,25,160,120\n");
    BufferedImage plate = new BufferedImage(180, 144, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = plate.createGraphics();
    g.setColor(new Color(90, 120, 150));
    g.fillRect(0, 0, 180, 144);
    g.dispose();
    Files.createDirectories(tmp.resolve("backgrounds"));
    ImageIO.write(plate, "png", tmp.resolve("backgrounds/sam_bg.png").toFile());
    ClipCatalog catalog = ClipCatalog.load(tmp);
    ComposeOptions options = ComposeOptions.builder().optGapProbability(1.0).build();

    ComposedStream stream =
        StreamComposer.compose(catalog, "sam", 5, options, tmp.resolve("out/sam.avi"));

    assertEquals(List.of("background", "a", "b"), catalog.classNames());
    assertEquals(180, stream.width());
    assertEquals(144, stream.height());
    assertEquals(3, stream.segments().size(), "clip, gap, clip");
    assertEquals(stream.frames(), 100 + stream.segments().get(1).frames());
    List<BufferedImage> decoded = SharedClips.decodeAll(stream.video());
    assertEquals(stream.frames(), decoded.size());
    assertEquals(180, decoded.get(0).getWidth());
    assertEquals(144, decoded.get(0).getHeight());
  }
}
