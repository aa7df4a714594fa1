package io.oad.datasets.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.Npy;
import io.oad.datasets.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real pickles written by Python and numpy, read back exactly; hostile ones refused. */
class NumpyPickleTest {
  @TempDir Path dir;

  private static final String ARRAYS =
      """
      import pickle, sys, numpy as np
      rng = np.random.default_rng(7)
      arrays = {
          'small_f4': np.arange(6, dtype=np.float32).reshape(3, 2) / 3,
          'big_f4': rng.standard_normal((300, 64)).astype(np.float32),   # 76.8 kB: left in the file
          'f8': np.array([[1 / 3, -2.5e-300, 7.0]], dtype=np.float64),
          'big_f8': rng.standard_normal((200, 50)),                      # 80 kB
          'i8': np.arange(-3, 9, dtype=np.int64).reshape(4, 3),
          'u1': np.array([0, 128, 255], dtype=np.uint8),
          'b1': np.array([[True, False]]),
          'empty': np.zeros((0, 4), dtype=np.float32),
      }
      for name, a in arrays.items():
          np.save(name + '.npy', a)
      obj = {'arrays': arrays, 'other': [1, -70000, 2 ** 40, 'text', (2.5, None, True, False)]}
      for p in (2, 3, 4, 5):
          with open('p%d.pickle' % p, 'wb') as f:
              pickle.dump(obj, f, protocol=p)
      """;

  @Test
  void shouldReadArraysOfEveryProtocolExactly() throws Exception {
    Python.run(dir, ARRAYS);
    for (int p = 2; p <= 5; p++) {
      Path file = dir.resolve("p" + p + ".pickle");
      try (NumpyPickle pickle = NumpyPickle.open(file)) {
        Map<?, ?> root = assertInstanceOf(Map.class, pickle.load());
        Map<?, ?> arrays = assertInstanceOf(Map.class, root.get("arrays"));
        assertEquals(8, arrays.size());
        for (Map.Entry<?, ?> e : arrays.entrySet()) {
          NdArray a = assertInstanceOf(NdArray.class, e.getValue());
          NpyArray expected = Npy.read(dir.resolve(e.getKey() + ".npy"));
          String what = "protocol " + p + " " + e.getKey();
          assertEquals(expected.dtype(), a.descr(), what);
          assertArrayEquals(expected.shape(), a.shape(), what);
          assertTrue(Arrays.equals(expected.values(), pickle.values(a)), what + " values differ");
        }
        List<?> other = assertInstanceOf(List.class, root.get("other"));
        assertEquals(List.of(1L, -70000L, 1L << 40, "text"), other.subList(0, 4));
        List<?> tuple = assertInstanceOf(List.class, other.get(4));
        assertEquals(2.5, tuple.get(0));
        assertNull(tuple.get(1));
        assertEquals(List.of(true, false), tuple.subList(2, 4));
      }
    }
  }

  @Test
  void shouldStreamALargeArrayWithoutHoldingIt() throws Exception {
    Python.run(dir, ARRAYS);
    // protocol 4 keeps the 76.8 kB array in the file; the structure is read first, data later
    try (NumpyPickle pickle = NumpyPickle.open(dir.resolve("p4.pickle"))) {
      Map<?, ?> arrays = (Map<?, ?>) ((Map<?, ?>) pickle.load()).get("arrays");
      NdArray big = (NdArray) arrays.get("big_f4");
      try (var in = pickle.open(big)) {
        assertEquals(300 * 64 * 4, in.readAllBytes().length);
      }
    }
  }

  private static final String HOSTILE =
      """
      import os, pickle, sys
      class Attack:
          def __reduce__(self):
              return (os.system, ('touch ' + sys.argv[1],))
      class Eval:
          def __reduce__(self):
              return (eval, ('open(%r, "w")' % sys.argv[1],))
      for p in (2, 4):
          with open('system%d.pickle' % p, 'wb') as f:
              pickle.dump({'video': Attack()}, f, protocol=p)
      with open('eval.pickle', 'wb') as f:
          pickle.dump([Eval()], f, protocol=2)
      with open('proto0.pickle', 'wb') as f:
          pickle.dump(Attack(), f, protocol=0)
      """;

  @Test
  void shouldRefuseAPickleThatCallsAnythingButNumpyWithoutRunningIt() throws Exception {
    Path marker = dir.resolve("PWNED");
    Python.run(dir, HOSTILE, marker.toString());
    assertFalse(Files.exists(marker), "writing the pickles must not run them");
    for (String name : List.of("system2", "system4", "eval", "proto0")) {
      Path file = dir.resolve(name + ".pickle");
      try (NumpyPickle pickle = NumpyPickle.open(file)) {
        PickleException e = assertThrows(PickleException.class, pickle::load, name);
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        String expected =
            switch (name) {
              case "eval" -> "global '__builtin__.eval' is not allowed"; // protocol 2's name
              case "proto0" -> "at byte 0: not a pickle of protocol 2 to 5";
              default -> "global 'posix.system' is not allowed";
            };
        assertTrue(e.getMessage().contains(expected), e.getMessage());
      }
    }
    assertFalse(Files.exists(marker), "reading refused pickles ran nothing");
  }

  @Test
  void shouldRefuseTruncatedAndForeignFiles() throws Exception {
    Python.run(dir, ARRAYS);
    byte[] whole = Files.readAllBytes(dir.resolve("p4.pickle"));
    Path cut = dir.resolve("cut.pickle");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    try (NumpyPickle pickle = NumpyPickle.open(cut)) {
      PickleException e = assertThrows(PickleException.class, pickle::load);
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
    Path npy = dir.resolve("small_f4.npy");
    try (NumpyPickle pickle = NumpyPickle.open(npy)) {
      PickleException e = assertThrows(PickleException.class, pickle::load);
      assertTrue(e.getMessage().contains(npy + " at byte 0: not a pickle"), e.getMessage());
    }
  }
}
