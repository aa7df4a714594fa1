package io.oad.datasets;

import java.util.Arrays;
import java.util.Objects;

/**
 * A numeric array read from or written to a {@code .npy} file: its numpy dtype, its shape and its
 * values in C order. Values are held as doubles, which represent float32, float64 and the integer
 * types up to 2^53 exactly.
 *
 * @param dtype numpy dtype of the file, e.g. {@code <f4}
 * @param shape dimensions, outermost first (empty for a scalar)
 * @param values the elements in C (row-major) order
 */
public record NpyArray(String dtype, int[] shape, double[] values) {

  /** Validates that the shape matches the number of values. */
  public NpyArray {
    Objects.requireNonNull(dtype, "dtype");
    shape = Objects.requireNonNull(shape, "shape").clone();
    values = Objects.requireNonNull(values, "values").clone();
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
    }
  }

  /** A float32 matrix [rows][cols]. */
  public static NpyArray ofFloats(float[][] rows) {
    int r = rows.length;
    int c = r == 0 ? 0 : rows[0].length;
    double[] v = new double[r * c];
    for (int i = 0; i < r; i++) {
      if (rows[i].length != c) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values");
      }
      for (int j = 0; j < c; j++) {
        v[i * c + j] = rows[i][j];
      }
    }
    return new NpyArray(Npy.FLOAT32, new int[] {r, c}, v);
  }

  /** An int64 vector. */
  public static NpyArray ofLongs(int[] values) {
    double[] v = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      v[i] = values[i];
    }
    return new NpyArray(Npy.INT64, new int[] {values.length}, v);
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code i}. */
  public int dim(int i) {
    return shape[i];
  }

  /** This 2-D array as float rows. */
  public float[][] toFloatMatrix() {
    if (shape.length != 2) {
      throw new IllegalArgumentException(
          "expected a 2-D array, got shape " + Arrays.toString(shape));
    }
    float[][] out = new float[shape[0]][shape[1]];
    for (int i = 0; i < shape[0]; i++) {
      for (int j = 0; j < shape[1]; j++) {
        out[i][j] = (float) values[i * shape[1] + j];
      }
    }
    return out;
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  /** Number of elements. */
  public int size() {
    return values.length;
  }

  /** Element {@code i} in C order, not copied. */
  double value(int i) {
    return values[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyArray other
        && dtype.equals(other.dtype)
        && Arrays.equals(shape, other.shape)
        && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return "NpyArray[" + dtype + ", shape=" + Arrays.toString(shape) + "]";
  }
}
