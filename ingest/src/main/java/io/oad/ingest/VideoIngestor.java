package io.oad.ingest;

import io.oad.contract.CaptureTimes;
import io.oad.contract.StepGrid;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one camera's video sources back to back, samples them to the target rate by capture time,
 * encodes JPEG and publishes each kept frame to {@code oad.frames}.
 *
 * <p>Capture time: the first frame of the run is at {@code startTimeMs}; every later frame at
 * {@code startTimeMs + (its presentation time since the first frame of its source + the length of
 * the sources before it)}. Sequence numbers start at 0 and count published frames, continuous
 * across sources and loops. Without a start time, a replay that is not paced ({@code realtime} off)
 * of files of known length starts that length before now, so that its capture times are all in the
 * past; and a run never publishes a capture time more than {@link #MAX_CAPTURE_AHEAD_MS} ahead of
 * the clock (it waits instead), since the extractor and the detector refuse capture times from the
 * future. A default start time lies on the epoch-fixed grid of the sampling rate ({@link
 * io.oad.contract.StepGrid}), so a stream sampled at the detector's step rate has exactly one frame
 * in each step. The caller owns the {@link Producer}: this class sends and flushes but never closes
 * it. One run at a time per instance; {@link #stop()} may be called from any thread.
 *
 * <p>Live streams (with {@link IngestOptions#reconnect()}): a stream that cannot be opened or fails
 * ({@code error}), ends ({@code eof}) or delivers no data for {@link
 * IngestOptions#stallTimeoutMs()} ({@code stall}) is closed and reopened after a jittered,
 * exponentially growing, capped delay, forever, until {@link #stop()}; the delay starts afresh
 * after a connection that delivered frames. The sequence and the capture clock continue across
 * reconnects. Each reopen counts in {@code oad_ingest_reconnects_total{camera,reason}}; {@code
 * oad_ingest_camera_connected{camera}} is 1 from the first frame of a connection until it is lost;
 * a {@link ConnectionListener} hears the same changes.
 *
 * <pre>{@code
 * try (Producer<String, byte[]> producer =
 *     new KafkaProducer<>(VideoIngestor.producerProperties("localhost:9092"))) {
 *   IngestResult result = new VideoIngestor(options, metrics).run(producer);
 * }
 * }</pre>
 */
public final class VideoIngestor {
  private static final Logger LOG = LoggerFactory.getLogger(VideoIngestor.class);

  /**
   * Furthest a capture time runs ahead of this host's clock: half the tolerance the extractor and
   * the detector apply by default ({@link CaptureTimes#DEFAULT_MAX_AHEAD_MS}), so that replays are
   * never refused as coming from the future.
   */
  public static final long MAX_CAPTURE_AHEAD_MS = CaptureTimes.DEFAULT_MAX_AHEAD_MS / 2;

  private final IngestOptions options;
  private final IngestMetrics metrics;
  private final IngestProgress.Listener progress;
  private final ConnectionListener connection;

  private final CountDownLatch stopLatch = new CountDownLatch(1);
  private volatile boolean stopRequested;
  private long maxCaptureAheadMs = MAX_CAPTURE_AHEAD_MS;

  /** An ingestor with private (unregistered) metrics; prints progress if the options ask. */
  public VideoIngestor(IngestOptions options) {
    this(options, new IngestMetrics());
  }

  /** An ingestor counting into shared metrics; prints progress if the options ask. */
  public VideoIngestor(IngestOptions options, IngestMetrics metrics) {
    this(
        options,
        metrics,
        options.showProgress()
            ? new ConsoleProgressBar(System.err)
            : IngestProgress.Listener.none());
  }

  /**
   * An ingestor counting into shared metrics and reporting connection changes; prints progress if
   * the options ask.
   */
  public VideoIngestor(
      IngestOptions options, IngestMetrics metrics, ConnectionListener connection) {
    this(
        options,
        metrics,
        options.showProgress()
            ? new ConsoleProgressBar(System.err)
            : IngestProgress.Listener.none(),
        connection);
  }

  /** An ingestor reporting progress to a listener of the caller's (instead of stderr). */
  public VideoIngestor(
      IngestOptions options, IngestMetrics metrics, IngestProgress.Listener progress) {
    this(options, metrics, progress, ConnectionListener.none());
  }

  /**
   * An ingestor that also reports the camera's connection changes (first frame after an open;
   * failure, stall or end of a stream) to a listener.
   */
  public VideoIngestor(
      IngestOptions options,
      IngestMetrics metrics,
      IngestProgress.Listener progress,
      ConnectionListener connection) {
    this.options = Objects.requireNonNull(options, "options");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.connection = Objects.requireNonNull(connection, "connection");
  }

  /** Bounds how far a replay's capture times may run ahead of the clock (tests shorten it). */
  VideoIngestor withMaxCaptureAheadMs(long maxCaptureAheadMs) {
    this.maxCaptureAheadMs = maxCaptureAheadMs;
    return this;
  }

  /**
   * Producer settings for {@code oad.frames}: idempotent ({@code acks=all}), String keys, byte[]
   * values, a short linger so frames of many cameras batch without adding latency.
   */
  public static Properties producerProperties(String bootstrapServers) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers is required");
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "oad-ingest");
    return props;
  }

  /** The options this ingestor runs with. */
  public IngestOptions options() {
    return options;
  }

  /** Asks the current run to finish after the frame in hand; the ingestor stays stopped. */
  public void stop() {
    stopRequested = true;
    stopLatch.countDown();
  }

  /** Runs the given sources instead of the options' ones (same camera, same settings). */
  public IngestResult run(Producer<String, byte[]> producer, List<String> sources) {
    return runWith(producer, options.withSources(sources).sources());
  }

  /**
   * Reads every source (again and again if looping) and publishes the sampled frames; returns once
   * the sources end, {@code maxFrames} were published, {@link #stop()} was called or the thread was
   * interrupted. Flushes the producer before returning.
   *
   * @throws IngestException if a source cannot be opened or decoded, or Kafka rejects a frame
   */
  public IngestResult run(Producer<String, byte[]> producer) {
    return runWith(producer, options.sources());
  }

  private IngestResult runWith(Producer<String, byte[]> producer, List<String> sources) {
    Objects.requireNonNull(producer, "producer");
    Run run = new Run(producer, sources);
    try {
      run.playAll();
    } catch (RuntimeException e) {
      // deliver what was sent before the failure, without hiding the failure
      try {
        producer.flush();
      } catch (RuntimeException flushFailure) {
        e.addSuppressed(flushFailure);
      }
      throw e;
    }
    producer.flush();
    run.throwIfSendFailed();
    return run.result();
  }

  /** The state of one run: clocks, counters, sampler and encoder. */
  private final class Run {
    private final Producer<String, byte[]> producer;
    private final List<String> sources;
    private final String camera = options.cameraId();
    private final IngestMetrics.Camera points = metrics.forCamera(camera);
    private final FrameSampler sampler = new FrameSampler(options.targetFps());
    private final Java2DFrameConverter converter = new Java2DFrameConverter();
    private final long wallStartNanos;
    private final long startTimeMs;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final SplittableRandom jitter = new SplittableRandom();
    private boolean connected;
    private long lastFrameMs = -1;
    private long read;
    private long sequence;
    private long sourceOffsetUs;

    Run(Producer<String, byte[]> producer, List<String> sources) {
      this.producer = producer;
      this.sources = sources;
      long nanos = System.nanoTime();
      long now = System.currentTimeMillis();
      this.startTimeMs = options.startTimeMs().orElseGet(this::defaultStartTimeMs);
      // paced runs map the wall clock onto capture times: a start moved back onto the step grid
      // moves the wall-clock start with it (the first frames go out at once, then on time)
      this.wallStartNanos =
          options.realtime() && options.startTimeMs().isEmpty()
              ? nanos - TimeUnit.MILLISECONDS.toNanos(Math.max(0, now - startTimeMs))
              : nanos;
    }

    /**
     * The start of the sampling interval of the grid {@code targetFps} lays from the epoch ({@link
     * StepGrid}) that holds {@code ms}: a run sampled at the detector's step rate then puts each
     * sampled frame in its own step, however its frames jitter within a frame interval.
     */
    private long onGrid(long ms) {
      double fps = options.targetFps();
      long step = StepGrid.stepOf(ms, fps);
      long start = (long) Math.ceil(step * 1000.0 / fps);
      // the first millisecond whose grid step is this one (ceil guards against rounding)
      while (start > 0 && StepGrid.stepOf(start - 1, fps) == step) {
        start--;
      }
      while (StepGrid.stepOf(start, fps) < step) {
        start++;
      }
      return Math.max(0, start);
    }

    /**
     * Now, or for an unpaced replay of files whose length is known, now minus that length, so that
     * the whole replay is captured in the past; moved back to the start of its sampling interval.
     */
    private long defaultStartTimeMs() {
      return onGrid(unalignedStartTimeMs());
    }

    private long unalignedStartTimeMs() {
      long now = System.currentTimeMillis();
      if (options.realtime() || options.loop()) {
        return now;
      }
      long lengthUs = 0;
      for (String source : sources) {
        if (IngestOptions.isStream(source)) {
          return now;
        }
        try (VideoSource video =
            VideoSource.open(source, options.socketTimeoutMs(), options.stallTimeoutMs())) {
          long frames = video.lengthInFrames();
          if (frames <= 0) {
            return now;
          }
          lengthUs += frames * video.frameDurationUs();
        } catch (RuntimeException e) {
          return now; // the run itself reports the source that cannot be opened
        }
      }
      return Math.max(0, now - lengthUs / 1000 - 1);
    }

    void playAll() {
      try {
        playAllSources();
      } finally {
        points.connected().set(0);
      }
    }

    private void playAllSources() {
      try (JpegEncoder encoder =
          new JpegEncoder(options.width(), options.height(), options.jpegQuality())) {
        do {
          long readBefore = read;
          for (int i = 0; i < sources.size() && !finished(); i++) {
            playSource(sources.get(i), i, encoder);
          }
          if (read == readBefore && !finished()) {
            // looping over sources that open but yield nothing would spin forever
            throw new IngestException("no frames could be read from " + sources);
          }
        } while (options.loop() && !finished());
      }
    }

    /**
     * Plays one source; a stream with reconnect on is reopened with backoff until stopped, whether
     * it failed, stalled or ended.
     */
    private void playSource(String source, int index, JpegEncoder encoder) {
      boolean retry = options.reconnect() && IngestOptions.isStream(source);
      Backoff backoff =
          new Backoff(options.reconnectFirstMs(), options.reconnectMaxMs(), jitter.split());
      while (true) {
        long readBefore = read;
        DisconnectReason reason;
        String detail;
        try {
          boolean stalled = play(source, index, encoder);
          if (!retry || finished()) {
            return;
          }
          reason = stalled ? DisconnectReason.STALL : DisconnectReason.EOF;
          detail =
              stalled ? "no data for " + options.stallTimeoutMs() + " ms (stall)" : "stream ended";
        } catch (IngestException e) {
          if (sendFailure.get() != null) {
            throw e; // Kafka's problem, not the camera's
          }
          reason = VideoSource.isTimeout(e) ? DisconnectReason.STALL : DisconnectReason.ERROR;
          detail = e.getMessage();
          if (!retry || finished()) {
            // a file that cannot be read is a configuration error, not a camera going offline
            lost(reason, detail, IngestOptions.isStream(source));
            throw e;
          }
        }
        lost(reason, detail, true);
        if (read > readBefore) {
          backoff.reset(); // it worked for a while: start backing off afresh
        }
        long delayMs = backoff.nextDelayMs();
        LOG.warn("camera {}: {}: {}; reconnecting in {} ms", camera, source, detail, delayMs);
        points.reconnects(reason).inc();
        if (awaitStop(delayMs)) {
          return;
        }
      }
    }

    /** Whether a read that started at {@code t0} waited (about) the stall timeout. */
    private boolean waitedForStall(long t0) {
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      return waitedMs >= options.stallTimeoutMs() * 9L / 10;
    }

    /** The source in hand failed, stalled or ended. */
    private void lost(DisconnectReason reason, String detail, boolean tell) {
      connected = false;
      points.connected().set(0);
      if (tell) {
        connection.onDisconnected(camera, reason, detail, lastFrameMs);
      }
    }

    /** A frame was read: the first after an open makes the camera connected. */
    private void frameArrived() {
      lastFrameMs = System.currentTimeMillis();
      if (!connected) {
        connected = true;
        points.connected().set(1);
        connection.onConnected(camera, lastFrameMs);
      }
    }

    /** Waits up to the given time; true if the ingestor was stopped meanwhile. */
    private boolean awaitStop(long millis) {
      try {
        return stopLatch.await(millis, TimeUnit.MILLISECONDS) || finished();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    }

    /**
     * Reads one opened source to its end; true if a stream ended because a read waited the stall
     * timeout for data (FFmpeg's read timeout surfaces as an end of stream in JavaCV).
     */
    private boolean play(String source, int index, JpegEncoder encoder) {
      boolean stream = IngestOptions.isStream(source);
      boolean stalled = false;
      try (VideoSource video =
          VideoSource.open(source, options.socketTimeoutMs(), options.stallTimeoutMs())) {
        if (stream) {
          // a live stream's clock starts when it is opened (also after a reconnect)
          long sinceStartUs = (System.currentTimeMillis() - startTimeMs) * 1000;
          sourceOffsetUs = Math.max(sourceOffsetUs, sinceStartUs);
        }
        long total = video.lengthInFrames();
        long frameUs = video.frameDurationUs();
        long firstPts = Long.MIN_VALUE;
        long lastRelUs = -frameUs;
        long done = 0;
        LOG.debug("camera {}: reading {} ({} frames announced)", camera, source, total);
        while (!finished()) {
          long t0 = System.nanoTime();
          Frame frame;
          try {
            frame = video.grab();
          } catch (IngestException e) {
            if (!stream || !waitedForStall(t0)) {
              throw e;
            }
            LOG.debug("camera {}: read timed out: {}", camera, e.getMessage());
            frame = null; // a read that gave up after the stall timeout is a stall, however told
          }
          if (frame == null) {
            stalled = stream && waitedForStall(t0);
            break;
          }
          frameArrived();
          points.decode().observe(seconds(System.nanoTime() - t0));
          points.read().inc();
          read++;
          done++;
          // presentation time since this source's first frame; estimated if FFmpeg has none
          if (firstPts == Long.MIN_VALUE) {
            firstPts = frame.timestamp;
          }
          long relUs = frame.timestamp - firstPts;
          if (frame.timestamp < 0 || relUs <= lastRelUs) {
            relUs = lastRelUs + frameUs;
          }
          lastRelUs = relUs;
          long timeUs = sourceOffsetUs + relUs;
          if (sampler.accept(timeUs)) {
            publish(frame, timeUs, encoder);
          } else {
            points.skipped().inc();
          }
          progress.onProgress(
              new IngestProgress(source, index, sources.size(), done, total, sequence, false));
        }
        progress.onProgress(
            new IngestProgress(source, index, sources.size(), done, total, sequence, true));
        // the next source starts one frame after this one's last frame
        sourceOffsetUs += lastRelUs + frameUs;
      }
      return stalled;
    }

    private void publish(Frame frame, long timeUs, JpegEncoder encoder) {
      throwIfSendFailed();
      if (options.realtime()) {
        paceTo(timeUs);
        if (finished()) {
          return;
        }
      } else {
        holdBack(startTimeMs + timeUs / 1000);
        if (finished()) {
          return;
        }
      }
      long t0 = System.nanoTime();
      EncodedFrame jpeg = encoder.encode(converter.convert(frame));
      points.encode().observe(seconds(System.nanoTime() - t0));
      long captureMs = startTimeMs + timeUs / 1000;
      Callback callback =
          (metadata, exception) -> {
            if (exception == null) {
              acked.incrementAndGet();
              points.published().inc();
            } else {
              sendFailure.compareAndSet(null, exception);
            }
          };
      try {
        producer.send(FrameRecords.frame(camera, sequence, captureMs, jpeg), callback);
      } catch (RuntimeException e) {
        // KafkaProducer throws synchronously for closed producers, metadata timeouts, ...
        sendFailure.compareAndSet(null, e);
        throwIfSendFailed();
      }
      sequence++;
    }

    /** Sleeps until the wall clock has advanced as far as the video clock. */
    private void paceTo(long timeUs) {
      long dueNanos = wallStartNanos + TimeUnit.MICROSECONDS.toNanos(timeUs);
      long waitNanos = dueNanos - System.nanoTime();
      if (waitNanos <= 0) {
        return;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(waitNanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Waits while {@code captureMs} is further ahead of the clock than the bound allows. */
    private void holdBack(long captureMs) {
      long waitMs = captureMs - maxCaptureAheadMs - System.currentTimeMillis();
      while (waitMs > 0 && !finished()) {
        try {
          stopLatch.await(Math.min(waitMs, 1_000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        waitMs = captureMs - maxCaptureAheadMs - System.currentTimeMillis();
      }
    }

    boolean finished() {
      return stopRequested
          || sequence >= options.maxFrames()
          || Thread.currentThread().isInterrupted();
    }

    void throwIfSendFailed() {
      Exception failure = sendFailure.get();
      if (failure != null) {
        throw new IngestException(
            "publishing camera '"
                + camera
                + "' to oad.frames failed: "
                + failure.getClass().getSimpleName()
                + ": "
                + failure.getMessage(),
            failure);
      }
    }

    IngestResult result() {
      Duration wall = Duration.ofNanos(System.nanoTime() - wallStartNanos);
      Duration video = Duration.of(sourceOffsetUs, ChronoUnit.MICROS);
      LOG.info(
          "camera {}: read {} frames, published {} in {} ms ({} ms of video)",
          camera,
          read,
          acked.get(),
          wall.toMillis(),
          video.toMillis());
      return new IngestResult(camera, read, acked.get(), wall, video);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
