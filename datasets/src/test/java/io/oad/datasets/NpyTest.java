package io.oad.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

  @Test
  void shouldRoundTripEveryDtypeThroughAFile(@TempDir Path dir) {
    double[] values = {1.5, -2.25, 3, 0, 7, -8};
    for (String dtype : new String[] {Npy.FLOAT32, Npy.FLOAT64, Npy.INT32, Npy.INT64}) {
      NpyArray a = new NpyArray(dtype, new int[] {2, 3}, values);
      Path f = dir.resolve("a" + dtype.substring(1) + ".npy");
      Npy.write(f, a);
      NpyArray b = Npy.read(f);
      assertEquals(dtype, b.dtype());
      assertArrayEquals(new int[] {2, 3}, b.shape());
      double[] expected = values.clone();
      if (dtype.contains("i")) {
        for (int i = 0; i < expected.length; i++) {
          expected[i] = (long) expected[i];
        }
      }
      assertArrayEquals(expected, b.values(), 0.0, dtype);
    }
  }

  @Test
  void shouldWriteAHeaderNumpyAccepts() {
    byte[] bytes = Npy.encode(NpyArray.ofLongs(new int[] {4, 5, 6}));
    String header = new String(bytes, 10, bytes.length - 10 - 24, StandardCharsets.ISO_8859_1);
    assertEquals(0, (10 + header.length()) % 64, "data starts 64-byte aligned");
    assertTrue(header.startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }"));
    assertTrue(header.endsWith("\n"));
  }

  @Test
  void shouldParseAHandWrittenVersion2FileWithKeysInAnotherOrder() {
    String dict = "{'shape': (2,), 'fortran_order': False, 'descr': '<f8'}\n";
    ByteBuffer buf = ByteBuffer.allocate(12 + dict.length() + 16).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0});
    buf.putInt(dict.length()).put(dict.getBytes(StandardCharsets.ISO_8859_1));
    buf.putDouble(0.1).putDouble(-42.0);
    NpyArray a = Npy.parse(buf.array(), "hand");
    assertArrayEquals(new int[] {2}, a.shape());
    assertArrayEquals(new double[] {0.1, -42.0}, a.values(), 0.0);
  }

  @Test
  void shouldRefuseFortranOrderBigEndianAndBadMagic() {
    byte[] fortran = header("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", 4);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Npy.parse(fortran, "f"))
            .getMessage()
            .contains("Fortran"));
    byte[] big = header("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 4);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Npy.parse(big, "b"))
            .getMessage()
            .contains(">f4"));
    assertThrows(IllegalArgumentException.class, () -> Npy.parse(new byte[] {1, 2, 3}, "junk"));
    byte[] shortData = header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 4);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Npy.parse(shortData, "s"))
            .getMessage()
            .contains("too short"));
  }

  @Test
  void shouldRejectAShapeThatDoesNotMatchTheValues() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new NpyArray(Npy.FLOAT32, new int[] {2, 2}, new double[3]));
  }

  private static byte[] header(String dict, int dataBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    String h = dict + "\n";
    out.write(h.length() & 0xff);
    out.write(h.length() >> 8);
    out.writeBytes(h.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(new byte[dataBytes]);
    return out.toByteArray();
  }
}
