package io.oad.bench;

import io.oad.contract.FrameHeaders;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.VideoIngestor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Real frames for the benchmarks: Weizmann clips run through the service's own ingest ({@link
 * VideoIngestor}: sampling, resize to 160×120, JPEG) into a mock producer, so the frames are
 * exactly what cameras put on {@code oad.frames}.
 */
final class WeizmannJpegs {
  private WeizmannJpegs() {}

  /**
   * The frames of {@code count} clips spread over the folder (sorted by path, evenly spaced), one
   * list per clip.
   *
   * @param clipsDir a Weizmann-layout folder ({@code videos/<action>/<subject>_<action>.avi})
   * @param fps sampling rate of the ingest
   */
  static List<List<JpegFrame>> clips(Path clipsDir, int count, double fps) {
    List<Path> all = videos(clipsDir);
    List<List<JpegFrame>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path clip = all.get((int) ((long) i * all.size() / count) % all.size());
      out.add(ingest(clip, fps));
    }
    return out;
  }

  /** At least {@code frames} frames (whole clips, concatenated). */
  static List<JpegFrame> frames(Path clipsDir, int frames, double fps) {
    List<Path> all = videos(clipsDir);
    List<JpegFrame> out = new ArrayList<>();
    for (int i = 0; out.size() < frames; i++) {
      if (i >= all.size()) {
        throw new IllegalStateException(
            "the clips of " + clipsDir + " give only " + out.size() + " frames at " + fps + " fps");
      }
      out.addAll(ingest(all.get((i * 7) % all.size()), fps));
    }
    return out.subList(0, frames);
  }

  private static List<Path> videos(Path clipsDir) {
    Path videos = clipsDir.resolve("videos");
    if (!Files.isDirectory(videos)) {
      throw new IllegalArgumentException(
          "no Weizmann clips at "
              + clipsDir
              + " (expected videos/<action>/*.avi); pass --clips DIR");
    }
    try (Stream<Path> s = Files.walk(videos)) {
      List<Path> all = s.filter(p -> p.toString().endsWith(".avi")).sorted().toList();
      if (all.isEmpty()) {
        throw new IllegalArgumentException("no .avi clips under " + videos);
      }
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + videos, e);
    }
  }

  private static List<JpegFrame> ingest(Path clip, double fps) {
    IngestOptions options =
        IngestOptions.builder()
            .setCameraId("bench")
            .setSources(List.of(clip.toString()))
            .optTargetFps(fps)
            .build();
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    new VideoIngestor(options).run(producer);
    List<JpegFrame> frames = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : producer.history()) {
      frames.add(
          new JpegFrame(
              r.value(),
              (int) FrameHeaders.getLong(r.headers(), FrameHeaders.WIDTH),
              (int) FrameHeaders.getLong(r.headers(), FrameHeaders.HEIGHT)));
    }
    if (frames.isEmpty()) {
      throw new IllegalStateException("ingest of " + clip + " published no frame");
    }
    return frames;
  }
}
