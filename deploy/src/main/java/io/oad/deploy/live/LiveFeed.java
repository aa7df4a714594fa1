package io.oad.deploy.live;

import io.oad.contract.ActionEvent;
import io.oad.contract.Prediction;
import io.oad.service.OutputReader;
import java.util.Map;

/**
 * Feeds a {@link LiveHub} from {@code oad.predictions} and {@code oad.events} (read committed) for
 * a process that has no reader of its own ({@code oad detect}): an {@link OutputReader} without a
 * consumer group that reads every partition, starting a little before the end so that the timeline
 * is not empty at first, and picks up partitions added later. Records it cannot decode are skipped
 * and counted.
 */
public final class LiveFeed implements AutoCloseable {
  /** Records per partition read back from before the end at start. */
  static final int BACKFILL = 120;

  private final OutputReader reader;

  private LiveFeed(OutputReader reader) {
    this.reader = reader;
  }

  /**
   * Starts reading in a thread of its own.
   *
   * @param kafka extra consumer settings (security and the like), may be empty
   */
  public static LiveFeed start(Map<String, Object> kafka, String bootstrap, LiveHub hub) {
    OutputReader reader =
        OutputReader.open(bootstrap, OutputReader.Options.tail(BACKFILL).kafka(kafka));
    reader.start(
        new OutputReader.Listener() {
          @Override
          public void prediction(Prediction prediction) {
            hub.accept(prediction);
          }

          @Override
          public void event(ActionEvent event) {
            hub.accept(event);
          }
        },
        "oad-live-feed");
    return new LiveFeed(reader);
  }

  /** Records skipped because they could not be decoded. */
  public long skipped() {
    return reader.unreadable();
  }

  /** Stops reading and waits for the consumer to close. */
  @Override
  public void close() {
    reader.close();
  }
}
