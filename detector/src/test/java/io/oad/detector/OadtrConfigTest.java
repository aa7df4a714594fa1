package io.oad.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.detector.weights.OfficialConfig;
import org.junit.jupiter.api.Test;

class OadtrConfigTest {

  @Test
  void shouldDescribeThePapersThumosConfiguration() {
    OadtrConfig c = OadtrConfig.thumos();
    assertEquals(3072, c.featureDim());
    assertEquals(64, c.window());
    assertEquals(128, c.encoderHeadDim());
    assertEquals(256, c.decoderHeadDim());
    assertEquals(8, c.futureSteps());
    assertEquals(22, c.numClasses());
  }

  @Test
  void shouldRefuseWidthNotDivisibleByHeads() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new OadtrConfig(48, 6, 30, 2, 4, 40, 2, 2, 24, 3, 5, 0.1f));
    assertTrue(e.getMessage().contains("encoderHeads"), e.getMessage());
  }

  @Test
  void shouldRefuseNonPositiveWindowAndBadDropout() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new OadtrConfig(48, 0, 32, 2, 4, 40, 2, 2, 24, 3, 5, 0.1f));
    assertThrows(
        IllegalArgumentException.class,
        () -> new OadtrConfig(48, 6, 32, 2, 4, 40, 2, 2, 24, 3, 5, 1f));
  }

  @Test
  void shouldRoundTripThroughOfficialConfigFields() {
    OadtrConfig thumos = OadtrConfig.thumos();
    assertEquals(thumos, OfficialConfig.fromJson(OfficialConfig.toJson(thumos)));
  }

  @Test
  void shouldReadTheOfficialTinyConfig() {
    assertEquals(OadtrConfig.tiny(), OfficialConfig.read(Reference.tiny("config.json")));
  }
}
