package io.oad.deploy;

import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.datasets.compose.ComposedStream;
import io.oad.detector.Detector;
import io.oad.extractor.Backbone;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.VideoIngestor;
import io.oad.service.Backbones;
import io.oad.service.EmbeddedKafka;
import io.oad.service.Models;
import io.oad.service.Pipeline;
import io.oad.service.PredictionReader;
import io.oad.training.eval.EvalResult;
import io.oad.training.eval.FrameMetrics;
import io.oad.training.eval.FrameScores;
import io.oad.training.features.WeizmannData;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Evaluation through the running service: the composed videos are replayed through ingest → Kafka →
 * feature extractor → topology on an in-process broker, and the metrics are computed from {@code
 * oad.predictions}. Comparing them with the offline evaluation of the same models proves that the
 * service computes what was evaluated.
 */
public final class PipelineEval {
  private PipelineEval() {}

  /**
   * @param offline the offline step sequences of {@code streams}, same order (their labels are
   *     reused)
   * @return per-frame metrics from the pipeline's predictions (current step only: predictions carry
   *     the top future action per step, not the whole future distribution)
   */
  public static EvalResult run(
      List<ComposedStream> streams,
      List<LabeledSequence> offline,
      Path modelArchive,
      ClassLayout layout,
      Path workDir)
      throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (EmbeddedKafka kafka = new EmbeddedKafka(workDir.resolve("kafka"), 0).start()) {
      kafka.createTopics(4, Topics.all());
      Backbone backbone = Backbones.defaultBackbone(Models.home());
      Detector detector =
          modelArchive != null
              ? Detector.load(modelArchive)
              : Models.detector(null, backbone.dimension());
      try (Pipeline pipeline =
          new Pipeline(
              kafka.bootstrapServers(), workDir.resolve("streams"), backbone, detector, registry)) {
        pipeline.awaitRunning(Duration.ofSeconds(60));
        long expected = 0;
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(VideoIngestor.producerProperties(kafka.bootstrapServers()))) {
          for (int i = 0; i < streams.size(); i++) {
            IngestOptions o =
                IngestOptions.builder()
                    .setCameraId(camera(i))
                    .addSource(streams.get(i).video().toString())
                    .optTargetFps(WeizmannData.STEPS_PER_SECOND)
                    .build();
            expected += new VideoIngestor(o).run(producer).framesPublished();
          }
        }
        Map<String, List<Prediction>> got =
            PredictionReader.read(kafka.bootstrapServers(), expected, Duration.ofMinutes(5));
        List<FrameScores> scores = new ArrayList<>();
        for (int i = 0; i < streams.size(); i++) {
          LabeledSequence seq = offline.get(i);
          List<Prediction> ps = got.getOrDefault(camera(i), List.of());
          if (ps.size() != seq.length()) {
            throw new IllegalStateException(
                camera(i) + ": " + ps.size() + " predictions for " + seq.length() + " steps");
          }
          double[][] rows = new double[ps.size()][];
          for (int t = 0; t < ps.size(); t++) {
            rows[t] =
                ps.get(t).scores().values().stream().mapToDouble(Double::doubleValue).toArray();
          }
          scores.add(FrameScores.of(seq.videoId(), seq.labels(), rows));
        }
        return FrameMetrics.evaluate(layout, scores);
      }
    }
  }

  private static String camera(int i) {
    return "eval-" + i;
  }
}
