package io.oad.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.FrameHeaders;
import io.oad.contract.JsonSerde;
import io.oad.contract.Topics;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class ConnectionEventsTest {
  private static ActionEvent event(ProducerRecord<String, byte[]> r) {
    return JsonSerde.events().deserialize(Topics.EVENTS, r.value());
  }

  @Test
  void shouldPublishOneOfflinePerOutageAndOnlineWhenFramesComeBack() {
    MockProducer<String, byte[]> producer = TestVideos.producer();
    ConnectionEvents events = new ConnectionEvents(producer);

    events.onConnected("cam", 1_000); // start-up: nothing to report
    events.onDisconnected("cam", DisconnectReason.STALL, "no data", 1_200);
    events.onDisconnected("cam", DisconnectReason.ERROR, "refused", 1_200); // same outage
    events.onDisconnected("cam", DisconnectReason.ERROR, "refused", 1_200);
    events.onConnected("cam", 9_000);
    events.onConnected("cam", 9_100); // still online

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(2, sent.size(), "one OFFLINE and one ONLINE");
    ProducerRecord<String, byte[]> off = sent.get(0);
    assertEquals(Topics.EVENTS, off.topic());
    assertEquals("cam", off.key());
    assertEquals(
        new ActionEvent("cam", ActionEvent.Type.CAMERA_OFFLINE, null, 1_200, -1, 0.0), event(off));
    assertEquals("stall", FrameHeaders.getString(off.headers(), ConnectionEvents.REASON_HEADER));
    assertEquals("ingest", FrameHeaders.getString(off.headers(), ConnectionEvents.ORIGIN_HEADER));
    ProducerRecord<String, byte[]> on = sent.get(1);
    assertEquals(
        new ActionEvent("cam", ActionEvent.Type.CAMERA_ONLINE, null, 1_200, 9_000, 0.0), event(on));
    assertNull(FrameHeaders.getString(on.headers(), ConnectionEvents.REASON_HEADER));
  }

  @Test
  void shouldReportACameraThatNeverConnectedAsOfflineFromItsFirstFailure() {
    MockProducer<String, byte[]> producer = TestVideos.producer();
    ConnectionEvents events = new ConnectionEvents(producer);
    long before = System.currentTimeMillis();

    events.onDisconnected("new", DisconnectReason.ERROR, "refused", -1);

    ActionEvent off = event(producer.history().get(0));
    assertEquals(ActionEvent.Type.CAMERA_OFFLINE, off.type());
    assertTrue(off.startTimeMs() >= before, "time of the first failure: " + off);
  }

  @Test
  void shouldNeverThrowIntoTheCameraThreadWhenKafkaFails() {
    MockProducer<String, byte[]> producer = TestVideos.producer();
    producer.close();
    ConnectionEvents events = new ConnectionEvents(producer);

    events.onDisconnected("cam", DisconnectReason.EOF, "ended", 5);
    events.onConnected("cam", 10);
  }
}
