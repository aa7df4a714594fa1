package io.oad.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.oad.detector.model.OadtrBlock;
import io.oad.detector.model.OfficialParameter;
import io.oad.detector.weights.OfficialWeights;
import io.oad.detector.weights.SeededInit;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfficialWeightsTest {
  @TempDir Path dir;
  NDManager manager;

  @BeforeEach
  void open() {
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private OadtrBlock tinyBlock() {
    OadtrBlock block = new OadtrBlock(OadtrConfig.tiny());
    block.initialize(manager, DataType.FLOAT32, block.inputShape(1));
    return block;
  }

  @Test
  void shouldGiveIdenticalWeightsAfterImportExportImport() {
    OadtrBlock first = tinyBlock();
    OfficialWeights.load(first, Reference.tiny("weights.npz"));
    Path exported = dir.resolve("export.npz");
    OfficialWeights.save(first, exported);
    OadtrBlock second = tinyBlock();
    SeededInit.apply(second, 99);
    OfficialWeights.load(second, exported);
    for (int i = 0; i < first.officialParameters().size(); i++) {
      OfficialParameter a = first.officialParameters().get(i);
      OfficialParameter b = second.officialParameters().get(i);
      assertArrayEquals(
          a.parameter().getArray().toFloatArray(),
          b.parameter().getArray().toFloatArray(),
          a.name());
    }
  }

  @Test
  void shouldExportOfficialNamesShapesAndBuffers() throws Exception {
    OadtrBlock block = tinyBlock();
    OfficialWeights.load(block, Reference.tiny("weights.npz"));
    Path exported = dir.resolve("export.npz");
    OfficialWeights.save(block, exported);
    try (InputStream a = Files.newInputStream(Reference.tiny("weights.npz"));
        InputStream b = Files.newInputStream(exported)) {
      NDList original = NDList.decode(manager, a);
      NDList written = NDList.decode(manager, b);
      assertEquals(original.size(), written.size());
      for (NDArray o : original) {
        NDArray w = written.get(o.getName());
        assertEquals(o.getShape(), w.getShape(), o.getName());
        assertEquals(o.getDataType(), w.getDataType(), o.getName());
        assertArrayEquals(
            o.toType(DataType.FLOAT32, false).toFloatArray(),
            w.toType(DataType.FLOAT32, false).toFloatArray(),
            o.getName());
      }
    }
  }

  @Test
  void shouldNameTheEntryWhoseShapeIsWrong() throws Exception {
    Path bad =
        rewrite(
            "decoder.layers.1.conv1.weight",
            a -> manager.zeros(new Shape(24, 32), DataType.FLOAT32));
    OadtrBlock block = tinyBlock();
    float[] before = block.officialParameters().get(2).parameter().getArray().toFloatArray();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OfficialWeights.load(block, bad));
    assertTrue(e.getMessage().contains("'decoder.layers.1.conv1.weight'"), e.getMessage());
    assertTrue(e.getMessage().contains("(24, 32, 1)"), e.getMessage());
    // nothing was loaded
    assertArrayEquals(
        before, block.officialParameters().get(2).parameter().getArray().toFloatArray());
  }

  @Test
  void shouldNameTheMissingEntry() throws Exception {
    Path bad = rewrite("pre_head_ln.bias", a -> null);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OfficialWeights.load(tinyBlock(), bad));
    assertTrue(e.getMessage().contains("lacks 'pre_head_ln.bias'"), e.getMessage());
  }

  /** Copies the tiny weights with one entry replaced (or dropped when the function gives null). */
  private Path rewrite(String name, UnaryOperator<NDArray> change) throws Exception {
    NDList out = new NDList();
    try (InputStream in = Files.newInputStream(Reference.tiny("weights.npz"))) {
      for (NDArray a : NDList.decode(manager, in)) {
        NDArray b = a.getName().equals(name) ? change.apply(a) : a;
        if (b != null) {
          b.setName(a.getName());
          out.add(b);
        }
      }
    }
    Path file = dir.resolve("bad.npz");
    try (OutputStream os = Files.newOutputStream(file)) {
      out.encode(os, NDList.Encoding.NPZ);
    }
    return file;
  }
}
