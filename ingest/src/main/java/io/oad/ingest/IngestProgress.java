package io.oad.ingest;

/**
 * Where a run stands, reported after every decoded frame and once more when a source ends.
 *
 * @param source the source being read
 * @param sourceIndex its position in the options' sources, from 0
 * @param sourceCount how many sources the run plays (per pass, when looping)
 * @param framesDone frames decoded from this source so far
 * @param framesTotal frames the container announces for this source; 0 or less when unknown
 * @param framesPublished frames sent so far in the whole run
 * @param sourceDone whether this source has been read to its end
 */
public record IngestProgress(
    String source,
    int sourceIndex,
    int sourceCount,
    long framesDone,
    long framesTotal,
    long framesPublished,
    boolean sourceDone) {

  /** Receives progress reports on the ingesting thread; must return quickly. */
  @FunctionalInterface
  public interface Listener {
    /** Called after each decoded frame and at the end of each source. */
    void onProgress(IngestProgress progress);

    /** A listener that ignores everything. */
    static Listener none() {
      return progress -> {};
    }
  }
}
