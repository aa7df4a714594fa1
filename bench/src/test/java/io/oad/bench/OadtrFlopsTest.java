package io.oad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.detector.OadtrConfig;
import org.junit.jupiter.api.Test;

class OadtrFlopsTest {
  @Test
  void shouldMatchThePapersCostAtTheThumosConfiguration() {
    // the paper and the official docs quote about 2.48 GMAC per prediction
    double gmac = OadtrFlops.macsPerPrediction(OadtrConfig.thumos()) / 1e9;
    assertEquals(2.48, gmac, 0.02, "GMAC per prediction");
    assertEquals(2 * gmac, OadtrFlops.flopsPerPrediction(OadtrConfig.thumos()) / 1e9, 1e-9);
  }

  @Test
  void shouldCountTheSameStructureAsTheOfficialParameterCount() {
    // the FLOP formula and this count read the same structure; the official count is 74,709,036
    assertEquals(74_709_036L, DetectorBench.parameterCount(OadtrConfig.thumos()));
  }

  @Test
  void shouldGrowWithTheWindowAtLeastLinearlyInTheEncoder() {
    OadtrConfig c = OadtrConfig.tiny();
    OadtrConfig longer =
        new OadtrConfig(
            c.featureDim(),
            c.window() * 2,
            c.dModel(),
            c.encoderLayers(),
            c.encoderHeads(),
            c.encoderFfn(),
            c.decoderLayers(),
            c.decoderHeads(),
            c.decoderFfn(),
            c.futureSteps(),
            c.numClasses(),
            c.dropout());
    // the input projection and the encoder scale with the window (attention quadratically); the
    // decoder's queries do not, only its cross-attention keys and values
    long before = OadtrFlops.macsPerPrediction(c);
    long after = OadtrFlops.macsPerPrediction(longer);
    assertTrue(after > 1.3 * before && after < 4.0 * before, before + " -> " + after);
  }

  @Test
  void shouldCountTheSingleOutputLayerAndTheCachedProjection() {
    OadtrConfig full = OadtrConfig.thumos();
    OadtrConfig single = full.withVariant(io.oad.detector.OadtrVariant.SINGLE_OUTPUT);
    long n = full.window() + 1L;
    long d = full.dModel();
    // the last layer skips the query, output projection and feed-forward of the N - 1 step tokens
    // and their attention rows
    long saved = (n - 1) * (d * d + 2 * n * d + d * d + 2 * d * full.encoderFfn());
    assertEquals(OadtrFlops.macsPerPrediction(full) - saved, OadtrFlops.macsPerPrediction(single));
    assertEquals(
        OadtrFlops.macsPerPrediction(full) - 63L * 3072 * 1024,
        OadtrFlops.macsPerCachedPrediction(full));
  }
}
