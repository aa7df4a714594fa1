package io.oad.deploy.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent.Type;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The alert role's keys of the configuration. */
class AlertConfigTest {
  @Test
  void shouldReadTheAlertKeysFromTheFileAndTheEnvironment() {
    OadConfig config =
        OadConfig.of(
            Map.of(
                "alert.webhook.url", "https://hooks.example/services/T0/B0/XYZ",
                "alert.types", "action_started, camera_offline",
                "alert.max.attempts", "7"),
            "f",
            Map.of(
                "OAD_ALERT_RATE_LIMIT_MS", "0",
                "OAD_ALERT_GROUP_ID", "pager",
                "OAD_ALERT_WEBHOOK_AUTHORIZATION", "Bearer abc"));
    assertEquals("https://hooks.example/services/T0/B0/XYZ", config.alertWebhookUrl());
    assertEquals(Set.of(Type.ACTION_STARTED, Type.CAMERA_OFFLINE), config.alertTypes());
    assertEquals(7, config.alertMaxAttempts());
    assertEquals(0L, config.alertRateLimitMs());
    assertEquals("pager", config.alertGroupId());
    assertEquals("Bearer abc", config.alertWebhookAuthorization());
    assertEquals("env OAD_ALERT_RATE_LIMIT_MS", config.sourceOf("alert.rate.limit.ms"));
  }

  @Test
  void shouldLeaveTheCommandDefaultsWhenUnset() {
    OadConfig config = OadConfig.of(Map.of(), null, Map.of());
    assertNull(config.alertWebhookUrl());
    assertNull(config.alertWebhookAuthorization());
    assertNull(config.alertGroupId());
    assertNull(config.alertTypes());
    assertNull(config.alertMaxAttempts());
    assertNull(config.alertRateLimitMs());
    assertNull(config.alertBackoffInitialMs());
    assertNull(config.alertBackoffMaxMs());
    assertNull(config.alertRequestTimeoutMs());
  }

  @Test
  void shouldRefuseBadValuesNamingTheKey() {
    for (Map<String, String> bad :
        java.util.List.of(
            Map.of("alert.webhook.url", "ftp://files.example/x"),
            Map.of("alert.webhook.url", "not a url"),
            Map.of("alert.webhook.url", "http:///nohost"),
            Map.of("alert.types", "ACTION_STARTED,EXPLODED"),
            Map.of("alert.max.attempts", "0"),
            Map.of("alert.rate.limit.ms", "-1"),
            Map.of("alert.backoff.initial.ms", "0"),
            Map.of("alert.group.id", " "))) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> OadConfig.of(bad, "f", Map.of()));
      String key = bad.keySet().iterator().next();
      assertTrue(e.getMessage().contains(key), key + ": " + e.getMessage());
    }
  }

  @Test
  void shouldMaskTheAuthorizationAndTheWebhookPathWhenDescribing() {
    assertTrue(OadConfig.isSecret("alert.webhook.authorization"));
    OadConfig config =
        OadConfig.of(
            Map.of(
                "alert.webhook.url", "https://hooks.example:8443/services/T0/B0/XYZ?k=v",
                "alert.webhook.authorization", "Bearer hunter2"),
            "f",
            Map.of());
    String text = String.join("\n", config.describe());
    assertFalse(text.contains("hunter2"), text);
    assertFalse(text.contains("XYZ"), text);
    assertTrue(text.contains("alert.webhook.authorization=******  # file f"), text);
    assertTrue(
        text.contains("alert.webhook.url=https://hooks.example:8443/******  # file f"), text);
    assertTrue(text.contains("alert.rate.limit.ms=(role default)  # default"), text);
  }
}
