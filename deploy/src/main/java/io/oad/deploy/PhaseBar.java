package io.oad.deploy;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One text progress bar for a phase of a long command (me.tongfei:progressbar: percent, items,
 * elapsed time and ETA).
 */
final class PhaseBar implements AutoCloseable {
  private static final int WIDTH = 100;

  private final ProgressBar bar;
  private final PrintStream out;

  private PhaseBar(String name, long total, String unit, PrintStream out) {
    this.out = out;
    this.bar =
        new ProgressBarBuilder()
            .setTaskName(name)
            .setInitialMax(total)
            .setUnit(" " + unit, 1)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(500)
            .setConsumer(new ConsoleProgressBarConsumer(out, WIDTH))
            .showSpeed()
            .build();
  }

  /** Starts a bar of {@code total} items named {@code name}. */
  static PhaseBar start(String name, long total, String unit, PrintStream out) {
    return new PhaseBar(name, total, unit, out);
  }

  /** One more item done. */
  void step() {
    bar.step();
  }

  @Override
  public void close() {
    bar.close();
    out.println();
  }
}
