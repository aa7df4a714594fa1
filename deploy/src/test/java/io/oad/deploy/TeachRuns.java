package io.oad.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: an {@code oad teach} command line with the short settings tests use. */
public final class TeachRuns {
  private TeachRuns() {}

  /**
   * {@code oad teach} on {@code clips} grouped by subject ({@code <subject>_<action>.avi}) with
   * {@code holdout} held out, the shipped backbone as start, one backbone epoch, one held-out
   * stream, then {@code more}.
   */
  public static String[] shortRun(Path clips, Path out, String holdout, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "teach",
                "--clips",
                clips.toString(),
                "--out",
                out.toString(),
                "--group-pattern",
                "^([a-z]+)_",
                "--holdout-groups",
                holdout,
                "--holdout-streams",
                "1",
                "--backbone-epochs",
                "1",
                "--start-backbone",
                shippedBackbone().toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** The backbone the project ships, {@code <oad.root>/models/backbone}. */
  public static Path shippedBackbone() {
    return Path.of(System.getProperty("oad.root")).resolve("models/backbone");
  }
}
