package io.oad.datasets;

import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * Which class indices exist and what role they play: one background class (skipped when averaging
 * AP) and an optional "ambiguous" class whose frames are removed from evaluation (THUMOS14: 22
 * classes, background 0, ambiguous 21).
 *
 * @param numClasses number of classes C, i.e. the length of every probability row
 * @param background index of the background class
 * @param ambiguous index of the ambiguous class, if the dataset has one
 */
public record ClassLayout(int numClasses, int background, OptionalInt ambiguous) {

  public ClassLayout {
    if (numClasses < 2) {
      throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
    }
    checkIndex("background", background, numClasses);
    if (ambiguous == null) {
      throw new IllegalArgumentException("ambiguous must be OptionalInt.empty(), not null");
    }
    if (ambiguous.isPresent()) {
      checkIndex("ambiguous", ambiguous.getAsInt(), numClasses);
      if (ambiguous.getAsInt() == background) {
        throw new IllegalArgumentException(
            "ambiguous and background must differ, both are " + background);
      }
    }
  }

  /** A layout without an ambiguous class. */
  public static ClassLayout of(int numClasses, int background) {
    return new ClassLayout(numClasses, background, OptionalInt.empty());
  }

  /** A layout with an ambiguous class. */
  public static ClassLayout withAmbiguous(int numClasses, int background, int ambiguous) {
    return new ClassLayout(numClasses, background, OptionalInt.of(ambiguous));
  }

  /** THUMOS14: background 0, 20 actions, ambiguous 21. */
  public static ClassLayout thumos14() {
    return withAmbiguous(22, 0, 21);
  }

  /** True if {@code c} is the ambiguous class. */
  public boolean isAmbiguous(int c) {
    return ambiguous.isPresent() && ambiguous.getAsInt() == c;
  }

  /** True if {@code c} is an action: neither background nor ambiguous. */
  public boolean isAction(int c) {
    return c != background && !isAmbiguous(c);
  }

  /** The action class indices in increasing order. */
  public int[] actionClasses() {
    return IntStream.range(0, numClasses).filter(this::isAction).toArray();
  }

  /**
   * Throws if {@code c} is not a class index of this layout; {@code what} names it in the message.
   */
  public void checkClass(String what, int c) {
    checkIndex(what, c, numClasses);
  }

  /** Throws unless there is exactly one name per class. */
  public void checkClassNames(List<String> classNames) {
    if (classNames.size() != numClasses) {
      throw new IllegalArgumentException(
          "need " + numClasses + " class names, got " + classNames.size());
    }
  }

  private static void checkIndex(String what, int c, int numClasses) {
    if (c < 0 || c >= numClasses) {
      throw new IllegalArgumentException(
          what + " class " + c + " is outside [0, " + numClasses + ")");
    }
  }
}
