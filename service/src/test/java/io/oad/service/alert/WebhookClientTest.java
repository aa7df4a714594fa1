package io.oad.service.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.oad.contract.ActionEvent;
import io.oad.contract.JsonSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhookClientTest {
  @Test
  void shouldReadRetryAfterAsSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2015-10-21T07:27:00Z");
    assertEquals(Duration.ofSeconds(120), WebhookClient.retryAfter("120", now));
    assertEquals(Duration.ZERO, WebhookClient.retryAfter("0", now));
    assertEquals(
        Duration.ofSeconds(60), WebhookClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now));
    assertEquals(
        Duration.ZERO,
        WebhookClient.retryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now),
        "a date in the past: at once");
    assertNull(WebhookClient.retryAfter(null, now));
    assertNull(WebhookClient.retryAfter("soon", now));
    assertNull(WebhookClient.retryAfter("-5", now));
  }

  @Test
  void shouldSendTheEventsJsonWithAnEnvelope() throws Exception {
    ActionEvent event =
        new ActionEvent("cam-7", ActionEvent.Type.ACTION_STARTED, "wave", 1_000, -1, 0.876);
    JsonNode json = JsonSerde.mapper().readTree(WebhookClient.body(event, "oad.events/3/42"));
    assertEquals("cam-7", json.get("camera").asText());
    assertEquals("ACTION_STARTED", json.get("type").asText());
    assertEquals("wave", json.get("action").asText());
    assertEquals(1_000, json.get("startTimeMs").asLong());
    assertEquals(-1, json.get("endTimeMs").asLong());
    assertEquals(0.876, json.get("peakScore").asDouble(), 1e-9);
    assertEquals("oad.events/3/42", json.get("id").asText());
    assertEquals("1970-01-01T00:00:01Z", json.get("start").asText());
    assertEquals(
        "cam-7: ACTION_STARTED wave (score 0.88) at 1970-01-01T00:00:01Z",
        json.get("text").asText());
    ActionEvent offline = new ActionEvent("cam-7", ActionEvent.Type.CAMERA_OFFLINE, null, 0, -1, 0);
    assertEquals("cam-7: CAMERA_OFFLINE at 1970-01-01T00:00:00Z", WebhookClient.text(offline));
  }

  @Test
  void shouldRefuseABadWebhookAndHideItsPathInLogs() {
    assertThrows(IllegalArgumentException.class, () -> AlertSettings.parseWebhook("ftp://x/y"));
    assertThrows(IllegalArgumentException.class, () -> AlertSettings.parseWebhook("/relative"));
    assertThrows(IllegalArgumentException.class, () -> AlertSettings.parseWebhook("http://a b/"));
    assertThrows(IllegalArgumentException.class, () -> AlertSettings.parseWebhook(" "));
    assertEquals(
        "https://hooks.example/******",
        AlertSettings.redact("https://hooks.example/services/T0/B0/XYZ"));
    assertEquals("http://127.0.0.1:8080", AlertSettings.redact("http://127.0.0.1:8080"));
    AlertSettings s =
        AlertSettings.of(AlertSettings.parseWebhook("https://hooks.example/T/XYZ"))
            .withAuthorization("Bearer hunter2");
    assertFalse(s.toString().contains("hunter2"), s.toString());
    assertFalse(s.toString().contains("XYZ"), s.toString());
    assertEquals(
        Set.of(ActionEvent.Type.ACTION_STARTED, ActionEvent.Type.CAMERA_ONLINE),
        AlertSettings.parseTypes(" action_started ,CAMERA_ONLINE,"));
    assertThrows(IllegalArgumentException.class, () -> AlertSettings.parseTypes("ACTION_STOPPED"));
    assertTrue(AlertSettings.DEFAULT_TYPES.contains(ActionEvent.Type.ACTION_ANTICIPATED));
  }
}
