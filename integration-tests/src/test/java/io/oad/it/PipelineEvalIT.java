package io.oad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.datasets.compose.ClipCatalog;
import io.oad.datasets.compose.ComposedStream;
import io.oad.deploy.EvalCommand;
import io.oad.deploy.PipelineEval;
import io.oad.detector.Detector;
import io.oad.detector.FeatureSpec;
import io.oad.extractor.PooledPixelBackbone;
import io.oad.service.Models;
import io.oad.training.eval.EvalResult;
import io.oad.training.features.WeizmannData;
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
