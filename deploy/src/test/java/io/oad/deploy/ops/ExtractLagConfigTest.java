package io.oad.deploy.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The extractor's drop-policy and worker keys of the configuration. */
class ExtractLagConfigTest {
  @Test
  void shouldReadTheDropPolicyFromTheEnvironment() {
    OadConfig config =
        OadConfig.of(
            Map.of("extract.lag.sample.every", "3"), "f", Map.of("OAD_EXTRACT_MAX_LAG_MS", "2000"));
    assertEquals(2000L, config.extractMaxLagMs());
    assertEquals(3, config.extractLagSampleEvery());
    assertEquals("env OAD_EXTRACT_MAX_LAG_MS", config.sourceOf("extract.max.lag.ms"));
  }

  @Test
  void shouldLeaveTheCommandDefaultsWhenUnset() {
    OadConfig config = OadConfig.of(Map.of(), null, Map.of());
    assertNull(config.extractMaxLagMs());
    assertNull(config.extractLagSampleEvery());
  }

  @Test
  void shouldReadAndBoundTheWorkerCount() {
    assertNull(OadConfig.of(Map.of(), null, Map.of()).extractWorkers());
    assertEquals(
        4, OadConfig.of(Map.of(), null, Map.of("OAD_EXTRACT_WORKERS", "4")).extractWorkers());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.of(Map.of("extract.workers", "65"), "f", Map.of()));
    assertTrue(e.getMessage().contains("extract.workers"), e.getMessage());
  }

  @Test
  void shouldRefuseANegativeLagBoundNamingTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> OadConfig.of(Map.of(), null, Map.of("OAD_EXTRACT_MAX_LAG_MS", "-5")));
    assertTrue(e.getMessage().contains("extract.max.lag.ms"), e.getMessage());
    assertThrows(
        ConfigException.class,
        () -> OadConfig.of(Map.of("extract.lag.sample.every", "0"), "f", Map.of()));
  }
}
