package io.oad.ingest;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One text progress bar per file (me.tongfei:progressbar: percent, frames, elapsed time and ETA,
 * redrawn in place every 100 ms), e.g. {@code walk.avi (1/2) 50% [=====> ] 45/90 frames (0:00:03 /
 * 0:00:03) 45 published}. Streams of unknown length print nothing.
 */
final class ConsoleProgressBar implements IngestProgress.Listener {
  /** Columns of the whole line: fits a terminal of 100 or more, without asking the terminal. */
  static final int WIDTH = 100;

  private final PrintStream out;
  private ProgressBar bar;
  private LineConsumer line;
  private int barSource = -1;

  ConsoleProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void onProgress(IngestProgress p) {
    if (p.framesTotal() <= 0) {
      return;
    }
    if (bar == null || barSource != p.sourceIndex()) {
      close();
      String name = p.source().substring(p.source().lastIndexOf('/') + 1);
      line = new LineConsumer(out);
      bar =
          new ProgressBarBuilder()
              .setTaskName(name + " (" + (p.sourceIndex() + 1) + "/" + p.sourceCount() + ")")
              .setInitialMax(p.framesTotal())
              .setUnit(" frames", 1)
              .setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(100)
              .setConsumer(line)
              .build();
      barSource = p.sourceIndex();
    }
    // a container's frame count is an estimate: never let the bar run past its end
    bar.maxHint(Math.max(p.framesTotal(), p.framesDone()));
    bar.stepTo(p.framesDone());
    bar.setExtraMessage(p.framesPublished() + " published");
    if (p.sourceDone()) {
      close(); // draws the final state and ends the line
    }
  }

  /** Ends the current bar, if any. */
  synchronized void close() {
    if (bar != null) {
      bar.close();
      line.close();
      bar = null;
    }
  }

  /**
   * The console output of one bar, which ends its line exactly once and draws nothing after that.
   * The library (0.10.1) draws the final state on close but skips ending the line when the bar is
   * closed before its first timed redraw (a short file), and a timed redraw running at close can
   * still print.
   */
  private static final class LineConsumer extends ConsoleProgressBarConsumer {
    private boolean closed;

    LineConsumer(PrintStream out) {
      super(out, WIDTH);
    }

    @Override
    public synchronized void accept(String rendered) {
      if (!closed) {
        super.accept(rendered);
      }
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        super.close();
      }
    }
  }
}
