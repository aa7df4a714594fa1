package io.oad.detector.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.oad.detector.model.OadtrBlock;
import io.oad.detector.model.OfficialParameter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves weights between an {@link OadtrBlock} and a state dict of the official PyTorch code saved
 * as a numpy {@code .npz} (one float32 array per official name). Import checks every name and shape
 * before it changes anything; buffers ({@code position_ids}) are recognised and ignored.
 */
public final class OfficialWeights {
  private OfficialWeights() {}

  /** Reads {@code npz} into the (initialised) block; refuses on the first missing or bad entry. */
  public static void load(OadtrBlock block, Path npz) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(npz))) {
      load(block, in, npz.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read official weights " + npz, e);
    }
  }

  /**
   * Reads an npz stream into the block.
   *
   * @param source names the stream in error messages
   */
  public static void load(OadtrBlock block, InputStream npz, String source) {
    List<OfficialParameter> wanted = block.officialParameters();
    try (NDManager scratch = managerOf(wanted).newSubManager()) {
      Map<String, NDArray> arrays = new LinkedHashMap<>();
      for (NDArray a : NDList.decode(scratch, npz)) {
        arrays.put(a.getName(), a);
      }
      // check everything first, so a bad file leaves the model untouched
      for (OfficialParameter p : wanted) {
        NDArray a = arrays.get(p.name());
        if (a == null) {
          throw new IllegalArgumentException(
              source + " lacks '" + p.name() + "' (expected shape " + p.officialShape() + ")");
        }
        if (!a.getShape().equals(p.officialShape())) {
          throw new IllegalArgumentException(
              source
                  + ": '"
                  + p.name()
                  + "' has shape "
                  + a.getShape()
                  + " but the model expects "
                  + p.officialShape());
        }
      }
      Map<String, Integer> buffers = block.officialBuffers();
      for (String name : arrays.keySet()) {
        boolean known = wanted.stream().anyMatch(p -> p.name().equals(name));
        if (!known && !isBuffer(name, buffers)) {
          throw new IllegalArgumentException(
              source + " has '" + name + "', which this model does not have");
        }
      }
      for (OfficialParameter p : wanted) {
        float[] values = arrays.get(p.name()).toType(DataType.FLOAT32, false).toFloatArray();
        p.parameter().getArray().set(FloatBuffer.wrap(values));
      }
    }
  }

  private static boolean isBuffer(String name, Map<String, Integer> buffers) {
    return buffers.containsKey(name)
        || name.endsWith(".position_ids")
        || name.endsWith(".num_batches_tracked");
  }

  /** Writes every parameter of the block under its official name, plus the buffers, as npz. */
  public static void save(OadtrBlock block, Path npz) {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(npz))) {
      save(block, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write official weights " + npz, e);
    }
  }

  /** Writes the npz to a stream. */
  public static void save(OadtrBlock block, OutputStream out) throws IOException {
    List<OfficialParameter> params = block.officialParameters();
    try (NDManager scratch = managerOf(params).newSubManager()) {
      NDList list = new NDList();
      for (OfficialParameter p : params) {
        NDArray a = scratch.create(p.parameter().getArray().toFloatArray(), p.officialShape());
        a.setName(p.name());
        list.add(a);
      }
      for (Map.Entry<String, Integer> buffer : block.officialBuffers().entrySet()) {
        NDArray ids = scratch.arange(0L, (long) buffer.getValue(), 1L, DataType.INT64);
        ids = ids.reshape(new Shape(1, buffer.getValue()));
        ids.setName(buffer.getKey());
        list.add(ids);
      }
      list.encode(out, NDList.Encoding.NPZ);
    }
  }

  private static NDManager managerOf(List<OfficialParameter> params) {
    NDArray first = params.get(0).parameter().getArray();
    if (first == null) {
      throw new IllegalStateException("the block must be initialised before weights move");
    }
    return first.getManager();
  }
}
