package io.oad.bench;

import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Cameras that publish prepared JPEG frames to {@code oad.frames} at a fixed rate in real time,
 * each looping its own frames, with capture time = now and sequence numbers from 0, exactly as a
 * live ingest would. The cameras' ticks are spread evenly over one frame period.
 */
final class SimulatedCameras implements AutoCloseable {
  private final Producer<String, byte[]> producer;
  private final List<List<JpegFrame>> framesPerCamera;
  private final double fps;
  private final ScheduledExecutorService clock;
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /**
   * @param framesPerCamera one non-empty frame list per camera
   * @param fps frames per second of every camera
   */
  SimulatedCameras(
      Producer<String, byte[]> producer, List<List<JpegFrame>> framesPerCamera, double fps) {
    if (framesPerCamera.isEmpty() || framesPerCamera.stream().anyMatch(List::isEmpty)) {
      throw new IllegalArgumentException("every camera needs at least one frame");
    }
    if (!(fps > 0 && fps <= 1000)) {
      throw new IllegalArgumentException("fps must be in (0, 1000], got " + fps);
    }
    this.producer = producer;
    this.framesPerCamera = List.copyOf(framesPerCamera);
    this.fps = fps;
    this.clock =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "oad-bench-cameras");
              t.setDaemon(true);
              return t;
            });
  }

  /** Camera ids, {@code cam-01} and on. */
  List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < framesPerCamera.size(); i++) {
      ids.add(String.format("cam-%02d", i + 1));
    }
    return ids;
  }

  /** Starts publishing. */
  void start() {
    long periodNanos = (long) (1e9 / fps);
    List<String> ids = ids();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      List<JpegFrame> frames = framesPerCamera.get(i);
      long[] sequence = {0};
      clock.scheduleAtFixedRate(
          () -> publish(id, frames, sequence[0]++),
          periodNanos * i / ids.size(),
          periodNanos,
          TimeUnit.NANOSECONDS);
    }
  }

  private void publish(String camera, List<JpegFrame> frames, long sequence) {
    JpegFrame f = frames.get((int) (sequence % frames.size()));
    ProducerRecord<String, byte[]> r =
        new ProducerRecord<>(Topics.FRAMES, null, System.currentTimeMillis(), camera, f.jpeg());
    FrameHeaders.putLong(r.headers(), FrameHeaders.SEQUENCE, sequence);
    FrameHeaders.putLong(r.headers(), FrameHeaders.WIDTH, f.width());
    FrameHeaders.putLong(r.headers(), FrameHeaders.HEIGHT, f.height());
    FrameHeaders.putString(r.headers(), FrameHeaders.CONTENT_TYPE, FrameHeaders.JPEG);
    producer.send(
        r,
        (metadata, e) -> {
          if (e == null) {
            published.incrementAndGet();
          } else {
            failed.incrementAndGet();
          }
        });
  }

  /** Frames the broker acknowledged so far. */
  long published() {
    return published.get();
  }

  /** Frames the broker refused so far. */
  long failed() {
    return failed.get();
  }

  /** Stops the clock and flushes what was sent. */
  @Override
  public void close() {
    clock.shutdownNow();
    try {
      clock.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.flush();
  }
}
