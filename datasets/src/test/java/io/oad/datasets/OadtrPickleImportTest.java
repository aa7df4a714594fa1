package io.oad.datasets;

import static io.oad.datasets.LstrFeaturesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.datasets.OadtrPickleImport.Layout;
import io.oad.datasets.OadtrPickleImport.Options;
import io.oad.datasets.OadtrPickleImport.Summary;
import io.oad.datasets.pickle.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OadTR's feature and annotation pickles, written by Python and numpy in the official structure,
 * converted into both layouts and compared value for value with what numpy computes.
 */
class OadtrPickleImportTest {
  @TempDir Path dir;

  private static final List<String> VIDEOS =
      List.of("video_validation_1", "video_validation_2", "video_test_1");

  private Options options(Path out, Layout layout, LstrDataInfo info, String split) {
    return new Options(
        List.of(
            dir.resolve("thumos_train_feature.pickle"), dir.resolve("thumos_test_feature.pickle")),
        List.of(dir.resolve("thumos_train_anno.pickle"), dir.resolve("thumos_test_anno.pickle")),
        out,
        layout,
        List.of("rgb", "flow"),
        List.of("rgb_oadtr", "flow_oadtr"),
        split,
        info,
        info == null ? null : info.classNames(),
        "THUMOS");
  }

  @Test
  void shouldConvertBothLayoutsToTheValuesNumpyComputes() throws Exception {
    Python.run(dir, Python.OADTR_PICKLES);
    LstrDataInfo info = LstrDataInfo.read(dir.resolve("data_info.json"), "THUMOS");
    assertEquals(5, info.classNames().size(), "class names from the official class_index");

    Path npy = dir.resolve("npy");
    List<String> lines = new ArrayList<>();
    Summary s = OadtrPickleImport.run(options(npy, Layout.NPY, info, null), lines::add);
    assertEquals(List.of("video_validation_1", "video_validation_2"), s.splits().get("train"));
    assertEquals(List.of("video_test_1"), s.splits().get("test"));
    assertEquals(List.of("video_without_annotation", "video_without_annotation"), s.skipped());
    assertEquals(1, s.notes().size(), s.notes().toString());
    assertEquals(3, lines.size());
    for (String v : VIDEOS) {
      assertEquals(
          Npy.read(dir.resolve("expected/features/" + v + ".npy")),
          Npy.read(npy.resolve("features/" + v + ".npy")),
          v);
      assertEquals(
          Npy.read(dir.resolve("expected/targets/" + v + ".npy")),
          Npy.read(npy.resolve("targets/" + v + ".npy")),
          v);
    }
    assertEquals(
        Npy.FLOAT64,
        Npy.read(npy.resolve("features/video_test_1.npy")).dtype(),
        "float32 rgb next to float64 flow is written as float64");
    List<LabeledSequence> train =
        NpyFeatures.read(npy.resolve("features"), npy.resolve("targets"), npy.resolve("train.txt"));
    assertEquals(38, train.get(1).length());
    assertEquals(48, train.get(1).dim());

    Path lstr = dir.resolve("lstr");
    OadtrPickleImport.run(options(lstr, Layout.LSTR, info, null), line -> {});
    for (String v : VIDEOS) {
      assertEquals(
          Npy.read(dir.resolve("expected/" + v + ".rgb.npy")),
          Npy.read(lstr.resolve("rgb_oadtr/" + v + ".npy")));
      assertEquals(
          Npy.read(dir.resolve("expected/" + v + ".flow.npy")),
          Npy.read(lstr.resolve("flow_oadtr/" + v + ".npy")));
      assertEquals(
          Npy.read(dir.resolve("expected/targets/" + v + ".npy")),
          Npy.read(lstr.resolve("target_perframe/" + v + ".npy")));
    }
    LstrDataInfo written = LstrDataInfo.read(lstr.resolve("data_info.json"), "THUMOS");
    assertEquals(info.classNames(), written.classNames());
    assertEquals(info.trainSessions(), written.trainSessions());
    LstrFeatures reader =
        new LstrFeatures(lstr, List.of("rgb_oadtr", "flow_oadtr"), "target_perframe", 5);
    List<LabeledSequence> test = reader.read(written.testSessions());
    assertEquals(
        List.of(train.get(0)), reader.read(List.of("video_validation_1")), "both layouts agree");
    assertEquals(25, test.get(0).length());
  }

  @Test
  void shouldMergeSplitsOfSeparateRunsAndRefuseBadPickles() throws Exception {
    Python.run(dir, Python.OADTR_PICKLES);
    Path out = dir.resolve("npy");
    Options all = options(out, Layout.NPY, null, "train");
    OadtrPickleImport.run(
        new Options(
            all.featurePickles().subList(0, 1),
            all.annotationPickles().subList(0, 1),
            out,
            Layout.NPY,
            all.streams(),
            all.folders(),
            "train",
            null,
            null,
            "THUMOS"),
        line -> {});
    OadtrPickleImport.run(
        new Options(
            all.featurePickles().subList(1, 2),
            all.annotationPickles().subList(1, 2),
            out,
            Layout.NPY,
            all.streams(),
            all.folders(),
            "train",
            null,
            null,
            "THUMOS"),
        line -> {});
    assertEquals(VIDEOS, NpyFeatures.readSplit(out.resolve("train.txt")));

    // annotations of a video the feature pickle lacks: the test annotations against train features
    Path trainFeatures = dir.resolve("thumos_train_feature.pickle");
    Path testAnno = dir.resolve("thumos_test_anno.pickle");
    assertMessage(
        () ->
            OadtrPickleImport.run(
                new Options(
                    List.of(trainFeatures),
                    List.of(testAnno),
                    dir.resolve("bad"),
                    Layout.NPY,
                    all.streams(),
                    all.folders(),
                    "test",
                    null,
                    null,
                    "THUMOS"),
                line -> {}),
        trainFeatures + " has no features of video 'video_test_1' that " + testAnno);
    // a stream the pickle does not have
    assertMessage(
        () ->
            OadtrPickleImport.run(
                new Options(
                    List.of(trainFeatures),
                    List.of(dir.resolve("thumos_train_anno.pickle")),
                    dir.resolve("bad"),
                    Layout.NPY,
                    List.of("rgb", "depth"),
                    List.of(),
                    "train",
                    null,
                    null,
                    "THUMOS"),
                line -> {}),
        trainFeatures + ": video 'video_validation_1' has no array 'depth'");
    // an LSTR output needs class names
    assertMessage(() -> options(dir.resolve("x"), Layout.LSTR, null, "train"), "class names");
    assertTrue(Files.isDirectory(out.resolve("features")));
    assertArrayEquals(
        new int[] {600, 48}, Npy.read(out.resolve("features/video_validation_1.npy")).shape());
  }
}
