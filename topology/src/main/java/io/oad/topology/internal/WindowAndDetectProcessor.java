package io.oad.topology.internal;

import io.oad.contract.CameraIds;
import io.oad.contract.Embedding;
import io.oad.contract.Prediction;
import io.oad.contract.StepGrid;
import io.oad.topology.DetectBatching;
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
 * <p>Batching ({@link DetectBatching}): a due step is not scored on its own but queued, with a copy
 * of its window, in the {@link StepBatcher} of the stream thread, shared by all tasks of the
 * thread. The batch is scored when it is full or when its oldest step has waited {@code maxWaitMs}
 * (checked by a frequent wall-clock punctuator); each task then forwards its own results from its
 * own punctuator or {@link #process}. Before a frame of a camera with a queued step is applied, the
 * batch is scored at once, so a camera's predictions stay in step order (a duplicate or a further
 * frame of the queued step is dropped, as without batching, and does not force the batch).
 *
 * <p>Exactly once: Kafka Streams' stream thread polls, processes, punctuates and then may commit,
 * so a commit can happen while steps wait in the batch. A waiting step is therefore stored with
 * {@code openEmitted = false} (the changelogged store, committed atomically with the output) and
 * marked emitted in the same transaction as its prediction. After a crash, or when a task closes
 * with steps still waiting (they are dropped from memory, logged, not forwarded from {@code
 * close}), the next processor of the task finds those steps in its store and predicts them (in
 * 'first' mode on its first record or punctuation; in 'last' mode by the idle close). Steps closed
 * by a frame of a later step in 'last' mode are scored at once (with whatever else is waiting),
 * because the store moves on to the next step.
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
  private long lastRateWarningMs = Long.MIN_VALUE / 2;
  private final StepAssigner assigner;
  private final DetectBatching batching;
  private final Supplier<StepBatcher> batchers;

  /** Wall-clock arrival of the last frame of each camera whose open step is not predicted yet. */
  private final Map<String, Long> openSince = new HashMap<>();

  private boolean scannedStore;
  private boolean recovered;
  private StepBatcher batcher;
  private StepBatcher.Lane lane;
  private ProcessorContext<String, Prediction> context;
  private CameraWindowStore windows;
  private StepModel model;
  private PredictionMapper mapper;

  /**
   * A processor that will take its model from {@code models}, its state from {@code storeName} and
   * the batcher of its stream thread from {@code batchers} (called on that thread).
   */
  public WindowAndDetectProcessor(
      Supplier<? extends StepModel> models,
      DetectorMetrics metrics,
      String storeName,
      StepTiming timing,
      DetectBatching batching,
      Supplier<StepBatcher> batchers) {
    this.models = Objects.requireNonNull(models, "models");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.batching = Objects.requireNonNull(batching, "batching");
    this.batchers = Objects.requireNonNull(batchers, "batchers");
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
    if (batching.enabled()) {
      long every = Math.max(1, Math.min(5, batching.maxWaitMs() / 4));
      context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::batchTick);
    }
  }

  /** This task's lane in the batcher of the stream thread running it (taken on first use). */
  private StepBatcher.Lane lane() {
    if (lane == null) {
      batcher = Objects.requireNonNull(batchers.get(), "no batcher for this thread");
      lane = batcher.lane();
    }
    return lane;
  }

  /** Wall-clock punctuation: scores the thread's batch when due, forwards this task's results. */
  private void batchTick(long now) {
    recover();
    lane();
    if (batcher.due(now)) {
      batcher.flush();
    }
    forwardScored();
  }

  /**
   * Once per processor, in 'first' mode: queues the steps the store holds as not predicted (they
   * were waiting in a batch when the previous owner of this task crashed or closed).
   */
  private void recover() {
    if (recovered) {
      return;
    }
    recovered = true;
    if (!timing.emitOnFirstFrame()) {
      return; // 'last' mode: open steps are normal, the idle close predicts them
    }
    List<String> cameras = windows.camerasWithOpenSteps();
    int queued = 0;
    for (String camera : cameras) {
      WindowMeta meta = windows.meta(camera);
      if (meta != null && !meta.openEmitted() && meta.fits(model.window(), model.featureDim())) {
        batcherAdd(request(camera, meta, true));
        queued++;
      }
    }
    if (queued > 0) {
      // they waited before the restart already: score them now, with whatever else waits
      LOG.info("{} steps found not yet predicted in the store; predicting them now", queued);
      batcher.flush();
      forwardScored();
    }
  }

  /**
   * Counts (and logs, at most once a minute) an embedding whose extractor skipped the frames of
   * formed steps on another grid than this detector's, or while this detector predicts a step from
   * its last frame: such steps may lack the frame this detector would have used.
   */
  private void checkStepRate(Record<String, Embedding> record, String camera) {
    double rate = StepGrid.rate(record.headers());
    if (Double.isNaN(rate)) {
      return;
    }
    if (rate == timing.stepsPerSecond() && timing.emitOnFirstFrame()) {
      return;
    }
    metrics.stepRateMismatch();
    long now = context.currentSystemTimeMs();
    if (now - lastRateWarningMs >= 60_000) {
      lastRateWarningMs = now;
      LOG.warn(
          "camera {}: its extractor skips frames for {} steps per second, this detector runs {}"
              + " predicting on each step's {} frame; set extract.steps.per.second ="
              + " detect.steps.per.second (or 0) with detect.step.emit=first"
              + " (oad_detector_step_rate_mismatch_total)",
          CameraIds.printable(camera),
          rate < 0 ? "an unreadable rate of" : rate,
          timing.stepsPerSecond(),
          timing.emitOnFirstFrame() ? "first" : "last");
    }
  }

  @Override
  public void process(Record<String, Embedding> record) {
    // counted by the input guard, which sees every decoded record
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
    checkStepRate(record, camera);
    recover();
    forwardScored();
    long seq = embedding.sequence();
    long t = embedding.captureTimeMs();
    if (timing.stale(t, context.currentSystemTimeMs())) {
      // shed load: the step becomes a missing step, as if the frame had never arrived
      drop(DetectorMetrics.REASON_STALE, camera, seq, "captured more than the lag bound ago");
      return;
    }
    WindowMeta meta = windows.meta(camera);
    StepAssigner.Decision d;
    if (lane().waiting(camera) && meta != null) {
      // the camera's open step waits in the batch, so it counts as predicted: a duplicate or a
      // further frame of that step is dropped as without batching and changes nothing; any other
      // frame changes the state, so the batch is scored first
      d = assigner.classify(meta.emitted(), model.window(), model.featureDim(), seq, t);
      if (d.kind() != StepAssigner.Kind.DUPLICATE && d.kind() != StepAssigner.Kind.LATE) {
        batcher.flush();
        forwardScored();
        meta = windows.meta(camera);
        d = assigner.classify(meta, model.window(), model.featureDim(), seq, t);
      }
    } else {
      d = assigner.classify(meta, model.window(), model.featureDim(), seq, t);
    }
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
        LOG.info("camera {}: restarted (sequence {} captured at {}), window reset", camera, seq, t);
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
      if (batching.enabled()) {
        // stored as not predicted until the batch has run (see the class comment)
        windows.putMeta(camera, next);
        submit(request(camera, next, true));
      } else {
        closeOpenStep(camera, next);
        windows.putMeta(camera, next.emitted());
      }
    } else {
      windows.putMeta(camera, next);
    }
    if (timing.idleCloseMs() > 0 && !timing.emitOnFirstFrame()) {
      openSince.put(camera, context.currentSystemTimeMs());
    }
  }

  /**
   * Predicts the open step of {@code meta} now (with whatever else waits in the batch) unless it
   * was predicted already; the caller records it as predicted.
   */
  private void closeOpenStep(String camera, WindowMeta meta) {
    if (meta.openEmitted()) {
      return;
    }
    batcherAdd(request(camera, meta, false));
    batcher.flush();
    forwardScored();
  }

  /** Queues {@code r}; scores the batch if that filled it; forwards this task's results. */
  private void submit(StepBatcher.Request r) {
    if (batcherAdd(r)) {
      batcher.flush();
    }
    forwardScored();
  }

  private boolean batcherAdd(StepBatcher.Request r) {
    lane();
    return batcher.add(r);
  }

  /** A request to score the open step of {@code meta}, with a copy of its window. */
  private StepBatcher.Request request(String camera, WindowMeta meta, boolean markEmitted) {
    float[][] window = windows.openWindow(camera, meta).toArray(new float[0][]);
    return new StepBatcher.Request(
        lane(),
        camera,
        meta.openSequence(),
        meta.openCaptureMs(),
        meta.openStep(),
        meta.openStep() + 1 >= model.window(),
        markEmitted,
        window,
        model,
        context.currentSystemTimeMs(),
        System.nanoTime());
  }

  /**
   * Forwards this task's scored steps, in the order they were queued; marks each predicted in the
   * store when the request asks for it, in the same transaction as the prediction.
   */
  private void forwardScored() {
    if (lane == null) {
      return;
    }
    for (StepBatcher.Result r : lane.drain()) {
      StepBatcher.Request q = r.request();
      if (q.markEmitted()) {
        WindowMeta m = windows.meta(q.camera());
        boolean same = m != null && m.openStep() == q.step() && m.openSequence() == q.sequence();
        if (same && m.openEmitted()) {
          LOG.warn(
              "camera {}: step {} was already predicted; result dropped", q.camera(), q.step());
          continue;
        }
        if (same) {
          windows.putMeta(q.camera(), m.emitted());
        }
      }
      var info =
          new PredictionMapper.StepInfo(
              q.camera(),
              q.sequence(),
              q.captureMs(),
              q.step(),
              q.warm(),
              context.currentSystemTimeMs());
      Prediction prediction = mapperFor(r).map(info, r.current(), r.future());
      context.forward(new Record<>(q.camera(), prediction, q.captureMs()));
      metrics.predictionProduced(prediction.latencyMs());
    }
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
        if (batching.enabled() && !lane().waiting(e.getKey())) {
          submit(request(e.getKey(), meta, true));
        } else if (!batching.enabled()) {
          closeOpenStep(e.getKey(), meta);
          windows.putMeta(e.getKey(), meta.emitted());
        }
      }
    }
  }

  /**
   * The mapper of the model version that produced {@code scored} (kept while it does not change).
   */
  private PredictionMapper mapperFor(StepBatcher.Result scored) {
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

  /**
   * Drops this task's steps that still wait in the batch or were scored but not forwarded: a
   * processor must not forward from {@code close}. They stay marked not predicted in the store (as
   * committed with the task), so the task's next processor, here or on another instance, predicts
   * them (see the class comment).
   */
  @Override
  public void close() {
    if (lane != null) {
      int dropped = batcher.remove(lane);
      if (dropped > 0) {
        LOG.info(
            "task closes with {} steps not yet predicted; the task predicts them from its store"
                + " when it runs again",
            dropped);
      }
      lane = null;
    }
    if (model != null) {
      model.close();
      model = null;
    }
  }
}
