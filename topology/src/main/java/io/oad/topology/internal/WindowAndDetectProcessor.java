package io.oad.topology.internal;

import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import io.oad.detector.Detector;
import io.oad.detector.Windows;
import io.oad.topology.DetectorMetrics;
import io.oad.topology.StepModel;
import io.oad.topology.StepTiming;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps each camera's frames onto model steps by capture time ({@link StepAssigner} decides, {@link
 * CameraWindowStore} keeps the ring of steps) and emits one prediction per step when the step
 * closes: when a frame of a later step arrives, when the camera restarts or resets, or after {@link
 * StepTiming#idleCloseMs()} of wall-clock silence. The last frame of a step (by capture time) is
 * the step's embedding; missing steps up to {@link StepTiming#gapMaxSteps()} are padded with the
 * last step and get no prediction of their own. While fewer than T steps were seen the window is
 * left-padded with the earliest step and the prediction is marked not warm. An embedding of the
 * wrong dimension raises {@link DimensionMismatchException}, which the processing exception handler
 * dead-letters.
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
  private final StepTiming timing;
  private final StepAssigner assigner;

  /** Wall-clock arrival of the last frame of each camera whose open step is not predicted yet. */
  private final Map<String, Long> openSince = new HashMap<>();

  private boolean scannedStore;
  private ProcessorContext<String, Prediction> context;
  private CameraWindowStore windows;
  private StepModel model;
  private PredictionMapper mapper;

  /**
   * A processor that will take its model from {@code models} and its state from {@code storeName}.
   */
  public WindowAndDetectProcessor(
      Supplier<? extends StepModel> models,
      DetectorMetrics metrics,
      String storeName,
      StepTiming timing) {
    this.models = Objects.requireNonNull(models, "models");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.assigner = new StepAssigner(timing);
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
    if (timing.idleCloseMs() > 0 && !timing.emitOnFirstFrame()) {
      // only the 'last' mode leaves steps open; predicting on the first frame closes them at once
      long every = Math.max(10, Math.min(1_000, timing.idleCloseMs() / 4));
      context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::closeIdle);
    }
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
    long t = embedding.captureTimeMs();
    WindowMeta meta = windows.meta(camera);
    StepAssigner.Decision d = assigner.classify(meta, model.window(), model.featureDim(), seq, t);
    WindowMeta next;
    switch (d.kind()) {
      case DUPLICATE -> {
        drop(DetectorMetrics.REASON_DUPLICATE, camera, seq, "sequence already seen");
        return;
      }
      case LATE -> {
        if (timing.emitOnFirstFrame() && d.step() == meta.openStep()) {
          drop(DetectorMetrics.REASON_EXTRA_FRAME, camera, seq, "step " + d.step() + " predicted");
        } else {
          drop(DetectorMetrics.REASON_LATE, camera, seq, "its step " + d.step() + " is closed");
        }
        return;
      }
      case FIRST -> {
        if (meta != null) {
          LOG.info("camera {}: window reset, stored for another model shape", camera);
        }
        next = WindowMeta.first(seq, t, model.window(), model.featureDim());
        windows.putStep(camera, next, 0, embedding.vector());
      }
      case RESTART -> {
        closeOpenStep(camera, meta);
        LOG.info("camera {}: restarted at sequence 0, window reset", camera);
        next = WindowMeta.first(seq, t, model.window(), model.featureDim());
        windows.putStep(camera, next, 0, embedding.vector());
      }
      case GAP_RESET -> {
        closeOpenStep(camera, meta);
        LOG.info("camera {}: {} steps without frames, window reset", camera, d.missingSteps());
        next =
            WindowMeta.start(
                seq,
                t,
                model.window(),
                model.featureDim(),
                meta.highestSequence(),
                meta.seenMask());
        windows.putStep(camera, next, 0, embedding.vector());
      }
      case SAME_STEP -> {
        next = meta.withSeen(seq);
        if (d.replaces()) {
          next = next.withOpenFrame(seq, t);
          windows.putStep(camera, next, d.step(), embedding.vector());
        }
      }
      case NEXT_STEP -> {
        closeOpenStep(camera, meta);
        float[] last = windows.step(camera, meta, meta.openStep());
        // only the last T steps can still be in a window
        for (long s = Math.max(meta.openStep() + 1, d.step() - model.window() + 1);
            s < d.step();
            s++) {
          windows.putStep(camera, meta, s, last);
        }
        next = meta.withSeen(seq).openedAt(d.step(), seq, t);
        windows.putStep(camera, next, d.step(), embedding.vector());
      }
      default -> throw new IllegalStateException("unhandled " + d.kind());
    }
    if (timing.emitOnFirstFrame() && !next.openEmitted()) {
      // the frame opened a new step: predict it now instead of when the step closes
      closeOpenStep(camera, next);
      next = next.emitted();
    }
    windows.putMeta(camera, next);
    if (timing.idleCloseMs() > 0 && !timing.emitOnFirstFrame()) {
      openSince.put(camera, context.currentSystemTimeMs());
    }
  }

  /** Predicts the open step of {@code meta} unless the idle close already did. */
  private void closeOpenStep(String camera, WindowMeta meta) {
    if (meta.openEmitted()) {
      return;
    }
    List<float[]> recent = windows.openWindow(camera, meta);
    Prediction prediction = predict(camera, meta, recent);
    context.forward(new Record<>(camera, prediction, meta.openCaptureMs()));
    metrics.predictionProduced(prediction.latencyMs());
  }

  /** Wall-clock punctuation: predicts the open steps of cameras silent for the idle time. */
  private void closeIdle(long now) {
    if (!scannedStore) {
      // after a restore the in-memory map is empty; the store knows which steps are still open
      windows.camerasWithOpenSteps().forEach(c -> openSince.putIfAbsent(c, now));
      scannedStore = true;
    }
    Iterator<Map.Entry<String, Long>> it = openSince.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      if (now - e.getValue() < timing.idleCloseMs()) {
        continue;
      }
      it.remove();
      WindowMeta meta = windows.meta(e.getKey());
      if (meta != null && !meta.openEmitted() && meta.fits(model.window(), model.featureDim())) {
        closeOpenStep(e.getKey(), meta);
        windows.putMeta(e.getKey(), meta.emitted());
      }
    }
  }

  private Prediction predict(String camera, WindowMeta meta, List<float[]> recent) {
    float[][] window = Windows.leftPad(recent, model.window());
    long start = System.nanoTime();
    StepModel.Scored scored = model.score(new float[][][] {window});
    metrics.inference(System.nanoTime() - start);
    Detector.Output out = scored == null ? null : scored.output();
    if (out == null || out.current() == null || out.current().length != 1) {
      throw new IllegalStateException(
          "model " + model.modelId() + " returned no output row for a batch of 1");
    }
    float[][] future =
        out.future() == null || out.future().length == 0 ? new float[0][] : out.future()[0];
    var info =
        new PredictionMapper.StepInfo(
            camera,
            meta.openSequence(),
            meta.openCaptureMs(),
            meta.openStep(),
            meta.openStep() + 1 >= model.window(),
            context.currentSystemTimeMs());
    return mapperFor(scored).map(info, out.current()[0], future);
  }

  /**
   * The mapper of the model version that produced {@code scored} (kept while it does not change).
   */
  private PredictionMapper mapperFor(StepModel.Scored scored) {
    if (!mapper.modelId().equals(scored.modelId())
        || !mapper.classNames().equals(scored.classNames())) {
      mapper = new PredictionMapper(scored.classNames(), scored.modelId());
    }
    return mapper;
  }

  private void drop(String reason, String camera, long sequence, String why) {
    metrics.dropped(reason);
    String where =
        context.recordMetadata().map(WindowAndDetectProcessor::describe).orElse("unknown source");
    LOG.debug(
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
