package io.oad.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.detector.Detector;
import io.oad.detector.FeatureSpec;
import io.oad.detector.data.LabeledSequence;
import io.oad.detector.eval.ClassLayout;
import io.oad.detector.eval.EvalResult;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.ingest.compose.ClipCatalog;
import io.oad.ingest.compose.ComposedStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service computes what offline evaluation measures: same composed video, same model, same mAP.
 */
@Tag("integration")
class PipelineEvalIT {
  @TempDir Path tmp;

  @Test
  void shouldGiveTheSameMapThroughKafkaAsOffline() throws Exception {
    ClipCatalog catalog = ClipCatalog.load(EndToEndIT.weizmann());
    List<ComposedStream> streams =
        WeizmannData.compose(catalog, List.of("lena"), 11, 1, tmp.resolve("streams"));
    Path archive = tmp.resolve("model");
    PooledPixelBackbone backbone = new PooledPixelBackbone();
    try (Detector d =
        Detector.create(
            Models.shippedConfig(backbone.dimension()),
            Models.WEIZMANN_CLASSES,
            5,
            new FeatureSpec(backbone.dimension(), backbone.id()))) {
      d.save(archive);
    }
    List<LabeledSequence> offline = WeizmannData.embed(streams, backbone, System.out);
    backbone.close();
    ClassLayout layout = ClassLayout.of(Models.WEIZMANN_CLASSES.size(), 0);
    EvalResult expected;
    try (Detector d = Detector.load(archive)) {
      expected = EvalCommand.evaluate(d, offline, layout, 0.25).result();
    }
    EvalResult live = PipelineEval.run(streams, offline, archive, layout, tmp.resolve("pipeline"));
    assertTrue(
        Double.isFinite(expected.mAP()) && expected.mAP() > 0, "offline mAP " + expected.mAP());
    assertEquals(expected.mAP(), live.mAP(), 0.01, "pipeline mAP vs offline mAP");
    assertEquals(expected.evaluatedFrames(), live.evaluatedFrames());
  }
}
