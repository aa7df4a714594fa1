package io.oad.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.extractor.Backbone;
import io.oad.extractor.FrameInput;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.extractor.TwoStreamConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackbonesTest {
  @TempDir Path home;

  @Test
  void shouldFallBackToThePlaceholderWithoutATrainedBackbone() {
    try (Backbone backbone = Backbones.defaultBackbone(home)) {
      assertInstanceOf(PooledPixelBackbone.class, backbone);
    }
  }

  @Test
  void shouldLoadTheTrainedBackboneOfTheHomeFolder() {
    String id;
    try (TwoStreamBackbone trained =
        TwoStreamBackbone.untrained(new TwoStreamConfig(32, 24, List.of(8), 16, 11), 2)) {
      trained.save(home.resolve("models/backbone"));
      id = trained.id();
    }

    try (Backbone backbone = Backbones.defaultBackbone(home)) {
      assertInstanceOf(TwoStreamBackbone.class, backbone);
      assertEquals(id, backbone.id());
    }
  }

  @Test
  void shouldLoadTheBackboneShippedInTheRepository() {
    Path repository = Path.of("..").toAbsolutePath().normalize(); // tests run in deploy/
    assertTrue(
        Files.isDirectory(repository.resolve(Backbones.FOLDER)),
        "the repository ships " + Backbones.FOLDER + " (oad train-backbone writes it)");
    try (Backbone backbone = Backbones.defaultBackbone(repository)) {
      assertInstanceOf(TwoStreamBackbone.class, backbone);
      assertEquals(128, backbone.dimension());
      BufferedImage frame = new BufferedImage(160, 120, BufferedImage.TYPE_3BYTE_BGR);
      float[] row =
          backbone.embedFrames(List.of(new FrameInput(frame, frame), FrameInput.of(frame)))[0];
      for (float v : row) {
        assertTrue(Float.isFinite(v));
      }
    }
  }

  @Test
  void shouldRefuseABrokenBackboneFolderRatherThanSilentlyFallBack() throws Exception {
    Files.createDirectories(home.resolve("models/backbone"));

    assertThrows(IllegalArgumentException.class, () -> Backbones.defaultBackbone(home));
  }
}
