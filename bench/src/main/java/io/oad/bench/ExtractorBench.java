package io.oad.bench;

import io.oad.contract.FrameHeaders;
import io.oad.extractor.Backbone;
import io.oad.extractor.BadFrameException;
import io.oad.extractor.FrameDecoder;
import io.oad.extractor.FrameInput;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Part 2 of {@code oad bench}: frames per second of the feature extractor's work on one thread,
 * JPEG decode ({@link FrameDecoder}, as the extractor does it) plus the backbone's forward pass, at
 * several batch sizes, on real ingest-made JPEG frames. No Kafka.
 */
final class ExtractorBench {
  /** A backbone to measure, built once and closed after its rows. */
  record Subject(String name, Supplier<Backbone> factory) {}

  /**
   * One row of the table.
   *
   * @param batchMs median / p90 wall time of decoding and embedding one batch
   * @param framesPerSecond batch / median batch time
   * @param decodeMsPerFrame mean JPEG decode time per frame over the timed batches
   * @param embedMsPerFrame mean backbone time per frame over the timed batches
   * @param decodeCpuMsPerFrame mean CPU time of this thread decoding one frame (unlike the wall
   *     times, it does not grow when other processes take the cores)
   * @param embedCpuMsPerFrame mean CPU time of this thread embedding one frame (libtorch runs on it
   *     with one intra-op thread)
   */
  record Row(
      String backbone,
      String backboneId,
      int dimension,
      int batch,
      int iterations,
      Percentiles batchMs,
      double framesPerSecond,
      double decodeMsPerFrame,
      double embedMsPerFrame,
      double decodeCpuMsPerFrame,
      double embedCpuMsPerFrame) {}

  private final List<Integer> batches;
  private final TimedLoop loop;

  ExtractorBench(List<Integer> batches, TimedLoop loop) {
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("need at least one batch size");
    }
    this.batches = List.copyOf(batches);
    this.loop = loop;
  }

  /** Measures every backbone at every batch size on the given frames (cycled). */
  List<Row> run(List<Subject> subjects, List<JpegFrame> frames, PrintStream progress) {
    List<Row> rows = new ArrayList<>();
    for (Subject subject : subjects) {
      try (Backbone backbone = subject.factory().get();
          FrameDecoder decoder = new FrameDecoder()) {
        for (int batch : batches) {
          Row row = measure(subject.name(), backbone, decoder, frames, batch);
          rows.add(row);
          progress.printf(
              Locale.ROOT,
              "  %-12s batch %3d: %.1f frames/s%n",
              row.backbone(),
              batch,
              row.framesPerSecond());
        }
      }
    }
    return rows;
  }

  private Row measure(
      String name, Backbone backbone, FrameDecoder decoder, List<JpegFrame> frames, int batch) {
    Cursor cursor = new Cursor(frames);
    long[] nanos = new long[4]; // decode, embed wall, then CPU; counted from the first timed batch
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int[] timedFrames = new int[1];
    boolean[] timing = new boolean[1];
    Runnable oneBatch =
        () -> {
          long cpuStart = threads.getCurrentThreadCpuTime();
          long start = System.nanoTime();
          List<FrameInput> inputs = new ArrayList<>(batch);
          for (int i = 0; i < batch; i++) {
            inputs.add(cursor.next(decoder));
          }
          long decoded = System.nanoTime();
          long cpuDecoded = threads.getCurrentThreadCpuTime();
          float[][] out = backbone.embedFrames(inputs);
          long embedded = System.nanoTime();
          long cpuEmbedded = threads.getCurrentThreadCpuTime();
          if (out.length != batch) {
            throw new IllegalStateException("backbone returned " + out.length + " rows");
          }
          if (timing[0]) {
            nanos[0] += decoded - start;
            nanos[1] += embedded - decoded;
            nanos[2] += cpuDecoded - cpuStart;
            nanos[3] += cpuEmbedded - cpuDecoded;
            timedFrames[0] += batch;
          }
        };
    for (int i = 0; i < loop.warmup(); i++) {
      oneBatch.run();
    }
    timing[0] = true;
    Percentiles ms =
        Percentiles.of(new TimedLoop(0, loop.iterations(), loop.maxSeconds()).time(oneBatch));
    return new Row(
        name,
        backbone.id(),
        backbone.dimension(),
        batch,
        ms.count(),
        ms,
        batch * 1000.0 / ms.p50(),
        nanos[0] / 1e6 / timedFrames[0],
        nanos[1] / 1e6 / timedFrames[0],
        nanos[2] / 1e6 / timedFrames[0],
        nanos[3] / 1e6 / timedFrames[0]);
  }

  /** Walks the frames in a loop, decoding each and remembering the previous image (motion). */
  private static final class Cursor {
    private final List<JpegFrame> frames;
    private int index;
    private BufferedImage previous;

    Cursor(List<JpegFrame> frames) {
      if (frames.isEmpty()) {
        throw new IllegalArgumentException("no frames to decode");
      }
      this.frames = frames;
    }

    FrameInput next(FrameDecoder decoder) {
      JpegFrame f = frames.get(index);
      index = (index + 1) % frames.size();
      BufferedImage image;
      try {
        image = decoder.decode(f.jpeg(), headers(index, f));
      } catch (BadFrameException e) {
        throw new IllegalStateException("ingest made an undecodable frame: " + e.getMessage(), e);
      }
      FrameInput input = new FrameInput(image, index == 1 ? null : previous);
      previous = image;
      return input;
    }

    private static Headers headers(long sequence, JpegFrame f) {
      Headers h = new RecordHeaders();
      FrameHeaders.putLong(h, FrameHeaders.SEQUENCE, sequence);
      FrameHeaders.putLong(h, FrameHeaders.WIDTH, f.width());
      FrameHeaders.putLong(h, FrameHeaders.HEIGHT, f.height());
      FrameHeaders.putString(h, FrameHeaders.CONTENT_TYPE, FrameHeaders.JPEG);
      return h;
    }
  }
}
