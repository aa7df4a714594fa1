package io.oad.datasets.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script with numpy to write real pickles for the tests. The interpreter is {@code
 * /usr/bin/python3} (Debian's, with python3-numpy; {@code .ci/run} installs it) unless {@code
 * -Doad.python=...} names another. A missing interpreter or numpy fails the test: it is not
 * skipped.
 */
public final class Python {
  private Python() {}

  /**
   * OadTR's feature and annotation pickles in the official structure: train pickles (protocol 2,
   * float32 rgb + float32 flow) and test pickles (protocol 4, float32 rgb + float64 flow), an
   * official data_info.json, and the expected arrays as numpy saves them.
   */
  public static final String OADTR_PICKLES =
      """
      import json, os, pickle, numpy as np
      rng = np.random.default_rng(3)
      names = ['Background', 'Jump', 'Run', 'Wave', 'Ambiguous']
      def video(steps, flow_steps, flow_dtype):
          rgb = rng.standard_normal((steps, 32)).astype(np.float32)
          flow = rng.standard_normal((flow_steps, 16)).astype(flow_dtype)
          anno = np.zeros((steps, len(names)))
          anno[np.arange(steps), rng.integers(0, len(names), steps)] = 1.0
          return {'rgb': rgb, 'flow': flow}, {'anno': anno}
      sets = {
          'train': ({'video_validation_1': video(600, 600, np.float32),  # 76.8 kB of rgb
                     'video_validation_2': video(40, 38, np.float32)},   # flow 2 rows short
                    2),
          'test': ({'video_test_1': video(25, 25, np.float64)}, 4),
      }
      os.makedirs('expected/features', exist_ok=True)
      os.makedirs('expected/targets', exist_ok=True)
      for split, (videos, protocol) in sets.items():
          feats = {v: f for v, (f, a) in videos.items()}
          annos = {v: a for v, (f, a) in videos.items()}
          feats['video_without_annotation'] = video(3, 3, np.float32)[0]
          with open('thumos_%s_feature.pickle' % split, 'wb') as f:
              pickle.dump(feats, f, protocol=protocol)
          with open('thumos_%s_anno.pickle' % split, 'wb') as f:
              pickle.dump(annos, f, protocol=protocol)
          for v, (f, a) in videos.items():
              n = min(len(f['rgb']), len(f['flow']))
              np.save('expected/features/%s.npy' % v, np.concatenate([f['rgb'][:n], f['flow'][:n]], axis=1))
              np.save('expected/targets/%s.npy' % v, a['anno'][:n])
              np.save('expected/%s.rgb.npy' % v, f['rgb'][:n])
              np.save('expected/%s.flow.npy' % v, f['flow'][:n])
      with open('data_info.json', 'w') as f:
          json.dump({'THUMOS': {'train_session_set': ['video_validation_1', 'video_validation_2'],
                                'test_session_set': ['video_test_1'],
                                'class_index': names}}, f)
      """;

  /** The interpreter the tests use. */
  public static String interpreter() {
    return System.getProperty("oad.python", "/usr/bin/python3");
  }

  /** Runs {@code script} in {@code dir} with {@code args}; fails the test with its output. */
  public static void run(Path dir, String script, String... args)
      throws IOException, InterruptedException {
    String python = interpreter();
    if (!Files.isExecutable(Path.of(python))) {
      fail(
          python
              + " is missing: these tests write real pickles with Python and numpy (install Debian's"
              + " python3-numpy, as .ci/run does, or pass -Doad.python=/path/to/python3)");
    }
    Path file = dir.resolve("make_pickles.py");
    Files.writeString(file, script);
    List<String> cmd = new ArrayList<>(List.of(python, file.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(python + " did not finish within 120 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (out.contains("No module named 'numpy'")) {
      fail(python + " has no numpy (install Debian's python3-numpy, as .ci/run does): " + out);
    }
    assertEquals(0, p.exitValue(), python + " failed: " + out);
  }
}
