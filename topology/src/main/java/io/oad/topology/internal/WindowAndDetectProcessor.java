package io.oad.topology.internal;

import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import io.oad.detector.Detector;
import io.oad.detector.Windows;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.StepModel;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each camera's last T embeddings in a state store and emits one prediction per embedding.
 *
 * <p>Rules: an embedding whose sequence is not newer than the camera's last processed one is
 * dropped (duplicate or out of order), except sequence 0, which means the camera restarted and
 * resets its window (so does a stored window written for another window length or dimension, i.e.
 * after a model change). While fewer than T steps were seen, the window is left-padded with the
 * earliest step and the prediction is marked not warm. An embedding of the wrong dimension raises
 * {@link DimensionMismatchException}, which the processing exception handler dead-letters.
 *
 * <p>Owns one {@link StepModel} from the supplier, created in {@link #init} and closed in {@link
 * #close}.
 */
public final class WindowAndDetectProcessor
    implements Processor<String, Embedding, String, Prediction> {
  private static final Logger LOG = LoggerFactory.getLogger(WindowAndDetectProcessor.class);

  private final Supplier<? extends StepModel> models;
  private final DetectorMetrics metrics;
  private final String storeName;

  private ProcessorContext<String, Prediction> context;
  private CameraWindowStore windows;
  private StepModel model;
  private PredictionMapper mapper;

  /**
   * A processor that will take its model from {@code models} and its state from {@code storeName}.
   */
  public WindowAndDetectProcessor(
      Supplier<? extends StepModel> models, DetectorMetrics metrics, String storeName) {
    this.models = Objects.requireNonNull(models, "models");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
  }

  @Override
  public void init(ProcessorContext<String, Prediction> context) {
    this.context = context;
    KeyValueStore<WindowKey, byte[]> store = context.getStateStore(storeName);
    this.windows = new CameraWindowStore(store);
    this.model = Objects.requireNonNull(models.get(), "the StepModel supplier returned null");
    if (model.window() < 1 || model.featureDim() < 1) {
      throw new IllegalStateException(
          "model "
              + model.modelId()
              + " has window "
              + model.window()
              + " and feature dimension "
              + model.featureDim()
              + "; both must be >= 1");
    }
    this.mapper = new PredictionMapper(model.classNames(), model.modelId());
  }

  @Override
  public void process(Record<String, Embedding> record) {
    metrics.embeddingConsumed();
    String camera = record.key();
    Embedding embedding = record.value();
    if (camera == null || embedding == null) {
      drop(DetectorMetrics.REASON_MISSING_KEY_OR_VALUE, camera, -1, "record without key or value");
      return;
    }
    if (embedding.dimension() != model.featureDim()) {
      // counted by the processing exception handler, which dead-letters the record
      throw new DimensionMismatchException(
          camera, embedding.sequence(), embedding.dimension(), model.featureDim());
    }
    long seq = embedding.sequence();
    WindowMeta previous = windows.meta(camera);
    if (previous != null && seq != 0 && seq <= previous.lastSequence()) {
      drop(
          DetectorMetrics.REASON_STALE_SEQUENCE,
          camera,
          seq,
          "sequence not after the last processed " + previous.lastSequence());
      return;
    }
    Step step = advance(camera, embedding, previous);
    Prediction prediction = predict(camera, embedding, step.meta(), step.recent());
    windows.put(camera, step.meta(), embedding.vector());
    context.forward(new Record<>(camera, prediction, embedding.captureTimeMs()));
    metrics.predictionProduced(prediction.latencyMs());
  }

  /** The camera's bookkeeping after this step, and its recent steps (oldest first, at most T). */
  private record Step(WindowMeta meta, List<float[]> recent) {}

  private Step advance(String camera, Embedding embedding, WindowMeta previous) {
    long seq = embedding.sequence();
    if (previous == null || seq == 0 || !previous.fits(model.window(), model.featureDim())) {
      if (previous != null) {
        LOG.info(
            "camera {}: window reset at sequence {} ({})",
            camera,
            seq,
            seq == 0 ? "camera restarted" : "stored window was written by another model shape");
      }
      return new Step(
          WindowMeta.first(seq, model.window(), model.featureDim()), List.of(embedding.vector()));
    }
    List<float[]> recent = windows.steps(camera, previous);
    if (recent.size() == model.window()) {
      recent.remove(0);
    }
    recent.add(embedding.vector());
    return new Step(previous.next(seq), recent);
  }

  private Prediction predict(
      String camera, Embedding embedding, WindowMeta meta, List<float[]> recent) {
    float[][] window = Windows.leftPad(recent, model.window());
    long start = System.nanoTime();
    Detector.Output out = model.predict(new float[][][] {window});
    metrics.inference(System.nanoTime() - start);
    if (out == null || out.current() == null || out.current().length != 1) {
      throw new IllegalStateException(
          "model " + model.modelId() + " returned no output row for a batch of 1");
    }
    float[][] future =
        out.future() == null || out.future().length == 0 ? new float[0][] : out.future()[0];
    var info =
        new PredictionMapper.StepInfo(
            camera,
            embedding.sequence(),
            embedding.captureTimeMs(),
            meta.stepsSeen() - 1,
            meta.stepsSeen() >= model.window(),
            context.currentSystemTimeMs());
    return mapper.map(info, out.current()[0], future);
  }

  private void drop(String reason, String camera, long sequence, String why) {
    metrics.dropped(reason);
    String where =
        context.recordMetadata().map(WindowAndDetectProcessor::describe).orElse("unknown source");
    LOG.warn(
        "dropped embedding of camera {} sequence {} from {}: {}", camera, sequence, where, why);
  }

  private static String describe(RecordMetadata m) {
    return m.topic() + "-" + m.partition() + "@" + m.offset();
  }

  @Override
  public void close() {
    if (model != null) {
      model.close();
      model = null;
    }
  }
}
