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
    return run(List.of("--clips", clips.toString()), out, holdout, List.of(more));
  }

  /**
   * {@code oad teach} on untrimmed {@code videos} with their {@code annotations}, grouped by
   * subject ({@code <subject>_<anything>}) with {@code holdout} held out, the shipped backbone as
   * start, one backbone epoch, then {@code more}.
   */
  public static String[] shortVideoRun(
      Path videos, Path annotations, Path out, String holdout, String... more) {
    return run(
        List.of("--videos", videos.toString(), "--annotations", annotations.toString()),
        out,
        holdout,
        List.of(more));
  }

  private static String[] run(List<String> source, Path out, String holdout, List<String> more) {
    List<String> args = new ArrayList<>(List.of("teach"));
    args.addAll(source);
    args.addAll(
        List.of(
            "--out",
            out.toString(),
            "--group-pattern",
            "^([a-z]+)_",
            "--holdout-groups",
            holdout,
            "--backbone-epochs",
            "1",
            "--start-backbone",
            shippedBackbone().toString()));
    if (source.contains("--clips")) {
      args.addAll(List.of("--holdout-streams", "1"));
    }
    args.addAll(more);
    return args.toArray(String[]::new);
  }

  /** The backbone the project ships, {@code <oad.root>/models/backbone}. */
  public static Path shippedBackbone() {
    return Path.of(System.getProperty("oad.root")).resolve("models/backbone");
  }
}
