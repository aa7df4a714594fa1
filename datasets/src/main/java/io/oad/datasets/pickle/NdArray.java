package io.oad.datasets.pickle;

import java.util.Arrays;

/**
 * A numpy array found in a pickle: its dtype as a {@code .npy} descr ({@code <f4}, {@code <f8},
 * {@code <i4}, {@code <i8}, {@code |u1}, {@code |b1}), its shape and where its C-order
 * little-endian bytes are. The bytes are not held: {@link NumpyPickle#open(NdArray)} streams them
 * from the file. Built in two steps as the pickle describes it (an empty array, then its state).
 */
public final class NdArray {
  private String descr;
  private int[] shape;
  private Blob data;

  NdArray() {}

  NdArray(String descr, int[] shape, Blob data) {
    set(descr, shape, data);
  }

  void set(String descr, int[] shape, Blob data) {
    if (this.data != null) {
      throw new PickleException("an array's state is set twice");
    }
    this.descr = descr;
    this.shape = shape.clone();
    this.data = data;
  }

  boolean isBuilt() {
    return data != null;
  }

  private void check() {
    if (data == null) {
      throw new PickleException("an array without state (its BUILD is missing)");
    }
  }

  /** The {@code .npy} dtype of the elements. */
  public String descr() {
    check();
    return descr;
  }

  /** Dimensions, outermost first. */
  public int[] shape() {
    check();
    return shape.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    check();
    return shape.length;
  }

  /** Size of dimension {@code i}. */
  public int dim(int i) {
    check();
    return shape[i];
  }

  /** Number of elements. */
  public long size() {
    check();
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  Blob data() {
    check();
    return data;
  }

  @Override
  public String toString() {
    return data == null
        ? "ndarray[unbuilt]"
        : "ndarray[" + descr + " " + Arrays.toString(shape) + "]";
  }
}
