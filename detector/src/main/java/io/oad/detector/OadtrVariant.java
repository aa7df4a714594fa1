package io.oad.detector;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which OadTR forward pass a model uses. Both variants have the same parameters (and official
 * state-dict names), so weights of one load into the other; they compute different functions, so a
 * model must be trained and served with the same variant, which its archive records.
 */
public enum OadtrVariant {
  /** The official model: every encoder layer computes all T+1 tokens. */
  FULL("full"),

  /**
   * Single-output last encoder layer: the last layer computes only the task token (its query
   * attends to the keys and values of all T+1 tokens); the decoder cross-attends to the
   * second-to-last layer's step tokens plus that task token. Saves the last layer's query, output
   * projection and feed-forward for T tokens.
   */
  SINGLE_OUTPUT("single-output");

  private final String label;

  OadtrVariant(String label) {
    this.label = label;
  }

  /** The name used on the command line and in reports, e.g. {@code single-output}. */
  public String label() {
    return label;
  }

  /** Parses a {@link #label()} (or the constant's name), case-insensitively. */
  public static OadtrVariant parse(String text) {
    for (OadtrVariant v : values()) {
      if (v.label.equalsIgnoreCase(text) || v.name().equalsIgnoreCase(text)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown OadTR variant '"
            + text
            + "'; expected one of "
            + Arrays.stream(values())
                .map(OadtrVariant::label)
                .toList()
                .toString()
                .toLowerCase(Locale.ROOT));
  }
}
