package io.oad.service.alert;

import io.oad.contract.ActionEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most one alert per camera, event type and action within a window of event time: an event is
 * let through when no event of the same key was let through in the {@code windowMs} before its
 * start time ({@link ActionEvent#startTimeMs()}). Event time, not the clock, so that a backlog read
 * after a pause is limited the way the live stream would have been, and a replay decides the same.
 * An event older than the last one let through for its key (out of order) is let through. Remembers
 * the most recent {@code maxKeys} keys (least recently seen forgotten first).
 *
 * <p>Not thread-safe: the forwarder's one thread uses it.
 */
public final class RateLimiter {
  private final long windowMs;
  private final Map<String, Long> last;

  /**
   * @param windowMs the window; 0 lets every event through
   * @param maxKeys keys remembered at most
   */
  public RateLimiter(long windowMs, int maxKeys) {
    if (windowMs < 0 || maxKeys < 1) {
      throw new IllegalArgumentException(
          "rate limit needs windowMs >= 0 and maxKeys >= 1, got " + windowMs + ", " + maxKeys);
    }
    this.windowMs = windowMs;
    this.last =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /** The key an event is limited by: camera, type and action. */
  public static String key(ActionEvent event) {
    return event.camera() + '\u0000' + event.type() + '\u0000' + event.action();
  }

  /**
   * Whether {@code event} may be sent: no event of its key was {@link #sent} within the window
   * before it. Does not remember it (an event whose delivery is abandoned must not count).
   */
  public boolean allows(ActionEvent event) {
    if (windowMs == 0) {
      return true;
    }
    Long previous = last.get(key(event));
    long time = event.startTimeMs();
    return previous == null || time < previous || time - previous >= windowMs;
  }

  /** Remembers that {@code event} was sent (delivered or dead-lettered). */
  public void sent(ActionEvent event) {
    if (windowMs == 0) {
      return;
    }
    String key = key(event);
    Long previous = last.get(key);
    if (previous == null || event.startTimeMs() > previous) {
      last.put(key, event.startTimeMs());
    }
  }

  /** Keys remembered now. */
  public int size() {
    return last.size();
  }
}
