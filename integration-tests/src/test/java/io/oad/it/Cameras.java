package io.oad.it;

import io.oad.ingest.IngestResult;
import io.oad.training.features.SharedClips;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Real cameras of the drills: Weizmann clips of one subject per camera, and what they published.
 */
final class Cameras {
  private Cameras() {}

  /** Camera {@code cam-<subject>} plays the subject's clips of {@code actions}, in that order. */
  static Map<String, List<String>> weizmann(List<String> subjects, List<String> actions) {
    Path clips = SharedClips.weizmann();
    Map<String, List<String>> cameras = new TreeMap<>();
    for (String subject : subjects) {
      List<String> sources = new ArrayList<>();
      for (String a : actions) {
        sources.add(clips.resolve("videos/" + a + "/" + subject + "_" + a + ".avi").toString());
      }
      cameras.put("cam-" + subject, sources);
    }
    return cameras;
  }

  /** Frames published per camera, once every ingest has ended. */
  static Map<String, Long> published(List<Future<IngestResult>> ingests)
      throws InterruptedException, ExecutionException {
    Map<String, Long> published = new TreeMap<>();
    for (Future<IngestResult> f : ingests) {
      IngestResult r = f.get();
      published.put(r.cameraId(), r.framesPublished());
    }
    return published;
  }
}
