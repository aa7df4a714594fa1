package io.oad.contract;

import java.util.Objects;

/**
 * An event for alerting consumers, published as JSON on {@link Topics#EVENTS}.
 *
 * @param camera camera id (also the record key)
 * @param type what happened
 * @param action the action concerned, or {@code null} for camera events
 * @param startTimeMs when the action (or silence) started, epoch ms
 * @param endTimeMs when it ended, or the anticipated start for {@link Type#ACTION_ANTICIPATED}; -1
 *     when open
 * @param peakScore highest probability seen during the action
 */
public record ActionEvent(
    String camera, Type type, String action, long startTimeMs, long endTimeMs, double peakScore) {
  /** Kinds of event. */
  public enum Type {
    ACTION_STARTED,
    ACTION_ENDED,
    ACTION_ANTICIPATED,
    CAMERA_OFFLINE,
    CAMERA_ONLINE
  }

  /** Validates the fields. */
  public ActionEvent {
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(type, "type");
  }
}
