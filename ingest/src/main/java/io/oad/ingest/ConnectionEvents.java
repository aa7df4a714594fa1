package io.oad.ingest;

import io.oad.contract.ActionEvent;
import io.oad.contract.FrameHeaders;
import io.oad.contract.JsonSerde;
import io.oad.contract.Topics;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the ingest side's view of camera connections to {@code oad.events}, in the existing
 * {@link ActionEvent} schema: {@code CAMERA_OFFLINE} when a camera's source fails, stalls or ends
 * (once per outage, not once per failed reconnect attempt), {@code CAMERA_ONLINE} at the first
 * frame after such an outage. A camera that connects at start-up without an outage publishes
 * nothing.
 *
 * <p>Fields as the topology fills them for its own camera events: {@code startTimeMs} = wall-clock
 * time of the camera's last frame (the time of the first failure if it never delivered one), {@code
 * endTimeMs} = -1 for OFFLINE and the time of the first frame again for ONLINE, {@code action} =
 * null, {@code peakScore} = 0. Headers (ASCII) tell these events from the topology's: {@value
 * #ORIGIN_HEADER}={@value #ORIGIN} and, on OFFLINE, {@value #REASON_HEADER} = {@code error}, {@code
 * stall} or {@code eof}. Record timestamp = wall clock at publishing. Thread-safe; publishing
 * failures are logged, never thrown into the camera's thread.
 */
public final class ConnectionEvents implements ConnectionListener {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionEvents.class);

  /** Header naming the component that published an event. */
  public static final String ORIGIN_HEADER = "oad.event.origin";

  /** Value of {@link #ORIGIN_HEADER} on the events published here. */
  public static final String ORIGIN = "ingest";

  /** Header with the {@link DisconnectReason#label()} of an OFFLINE event. */
  public static final String REASON_HEADER = "oad.event.reason";

  private final Producer<String, byte[]> producer;
  private final JsonSerde<ActionEvent> serde = JsonSerde.events();
  private final Map<String, State> states = new ConcurrentHashMap<>();

  /** Last known state of one camera. */
  private record State(boolean online, long lastSeenMs) {}

  /** Publishes with the given producer (shared with the frames; the caller closes it). */
  public ConnectionEvents(Producer<String, byte[]> producer) {
    this.producer = Objects.requireNonNull(producer, "producer");
  }

  @Override
  public void onConnected(String camera, long nowMs) {
    State before = states.put(camera, new State(true, nowMs));
    if (before != null && !before.online()) {
      LOG.info("camera {}: online again", camera);
      publish(
          new ActionEvent(
              camera, ActionEvent.Type.CAMERA_ONLINE, null, before.lastSeenMs(), nowMs, 0.0),
          null);
    }
  }

  @Override
  public void onDisconnected(
      String camera, DisconnectReason reason, String detail, long lastFrameMs) {
    long lastSeen = lastFrameMs >= 0 ? lastFrameMs : System.currentTimeMillis();
    State before = states.get(camera);
    if (before != null && !before.online()) {
      return; // still the same outage
    }
    states.put(camera, new State(false, lastSeen));
    LOG.warn("camera {}: offline ({}: {})", camera, reason.label(), detail);
    publish(
        new ActionEvent(camera, ActionEvent.Type.CAMERA_OFFLINE, null, lastSeen, -1, 0.0), reason);
  }

  /** Forgets a camera that was removed from the configuration. */
  public void forget(String camera) {
    states.remove(camera);
  }

  private void publish(ActionEvent event, DisconnectReason reason) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            Topics.EVENTS,
            null,
            System.currentTimeMillis(),
            event.camera(),
            serde.serialize(Topics.EVENTS, event));
    FrameHeaders.putString(record.headers(), ORIGIN_HEADER, ORIGIN);
    if (reason != null) {
      FrameHeaders.putString(record.headers(), REASON_HEADER, reason.label());
    }
    try {
      producer.send(
          record,
          (metadata, e) -> {
            if (e != null) {
              LOG.warn(
                  "camera {}: cannot publish {}: {}", event.camera(), event.type(), e.toString());
            }
          });
    } catch (RuntimeException e) {
      LOG.warn("camera {}: cannot publish {}: {}", event.camera(), event.type(), e.toString());
    }
  }
}
