package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refusals only: a test with a real TorchScript file comes when the project has one. */
class TorchScriptBackboneTest {
  @TempDir Path dir;

  @Test
  void shouldRefuseAMissingFile() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TorchScriptBackbone.builder().setModelPath(dir.resolve("none.pt")).build());
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void shouldRefuseBadSettingsBeforeLoading() throws Exception {
    Path file = Files.writeString(dir.resolve("m.pt"), "x");
    assertThrows(
        IllegalArgumentException.class,
        () -> TorchScriptBackbone.builder().setModelPath(file).optInputSize(0, 224).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> TorchScriptBackbone.builder().setModelPath(file).optStd(0.2f, 0f, 0.2f).build());
    assertThrows(NullPointerException.class, () -> TorchScriptBackbone.builder().build());
  }

  @Test
  void shouldRefuseAFileThatIsNotTorchScript() throws Exception {
    Path junk = Files.write(dir.resolve("junk.pt"), "not a model".getBytes(StandardCharsets.UTF_8));
    assertThrows(
        RuntimeException.class, () -> TorchScriptBackbone.builder().setModelPath(junk).build());
  }
}
