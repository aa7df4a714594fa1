package io.oad.ingest;

import java.io.PrintStream;

/**
 * A one-line text progress bar per file ({@code [#####.....] 45/90 daria_walk.avi (1/2)}), redrawn
 * in place at most every 100 ms. Streams of unknown length print nothing.
 */
final class ConsoleProgressBar implements IngestProgress.Listener {
  private static final int BAR_WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream out;
  private long lastDraw;

  ConsoleProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onProgress(IngestProgress p) {
    if (p.framesTotal() <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (!p.sourceDone() && p.framesDone() > 1 && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    out.print('\r' + line(p));
    if (p.sourceDone()) {
      out.println();
    }
    out.flush();
  }

  /** The bar text for one report. */
  static String line(IngestProgress p) {
    long total = Math.max(p.framesTotal(), p.framesDone());
    int filled = (int) (BAR_WIDTH * p.framesDone() / Math.max(1, total));
    String name = p.source().substring(p.source().lastIndexOf('/') + 1);
    return "["
        + "#".repeat(filled)
        + ".".repeat(BAR_WIDTH - filled)
        + "] "
        + p.framesDone()
        + "/"
        + total
        + " frames, "
        + p.framesPublished()
        + " published  "
        + name
        + " ("
        + (p.sourceIndex() + 1)
        + "/"
        + p.sourceCount()
        + ")";
  }
}
