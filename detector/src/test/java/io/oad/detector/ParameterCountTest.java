package io.oad.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.oad.detector.model.OadtrBlock;
import io.oad.detector.model.OfficialParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The block's structure equals the official model's state dict, name by name. */
class ParameterCountTest {

  @Test
  void shouldHaveTheOfficialParameterCountAtThumosConfig() {
    assertEquals(74_709_036L, new OadtrBlock(OadtrConfig.thumos()).parameterCount());
  }

  @Test
  void shouldMatchOfficialStateDictNamesAndShapesRowByRow() throws IOException {
    List<String> expected = new ArrayList<>();
    List<String> expectedBuffers = new ArrayList<>();
    for (String line : Files.readAllLines(Reference.dir().resolve("thumos-state-dict.tsv"))) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] cols = line.split("\t");
      String row = cols[0] + " " + cols[1].replace(" ", "");
      (cols[2].equals("buffer") ? expectedBuffers : expected).add(row);
    }
    OadtrBlock block = new OadtrBlock(OadtrConfig.thumos());
    List<String> actual = new ArrayList<>();
    for (OfficialParameter p : block.officialParameters()) {
      actual.add(p.name() + " " + shape(p.officialShape().getShape()));
    }
    List<String> buffers = new ArrayList<>();
    block.officialBuffers().forEach((name, n) -> buffers.add(name + " [1," + n + "]"));
    assertEquals(expected, actual);
    assertEquals(expectedBuffers, buffers);
  }

  private static String shape(long[] dims) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      b.append(i == 0 ? "" : ",").append(dims[i]);
    }
    return b.append(']').toString();
  }
}
