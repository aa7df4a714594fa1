package io.oad.datasets.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A composed stream through the real ingestor: step labels must name the published frames. */
class ComposedStreamIngestTest {
  private static final long START_MS = 1_700_000_000_000L;

  @TempDir Path tmp;

  @Test
  void shouldLabelExactlyTheFramesTheIngestorPublishes() {
    ClipCatalog catalog = ClipCatalog.load(SharedClips.weizmannDir());
    ComposeOptions options =
        ComposeOptions.builder().optVerifyReadBack(false).optLeadingBackground(true).build();
    ComposedStream stream =
        StreamComposer.compose(catalog, "lena", 3, options, tmp.resolve("lena_3.avi"));
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    IngestOptions ingest =
        IngestOptions.builder()
            .setCameraId("cam-1")
            .optStartTimeMs(START_MS)
            .optTargetFps(4.0)
            .addSource(stream.video().toString())
            .build();

    IngestResult result = new VideoIngestor(ingest).run(producer);

    List<ProducerRecord<String, byte[]>> published = producer.history();
    assertEquals(stream.frames(), result.framesRead(), "the ingestor decodes every frame");
    int[] publishedFrames = new int[published.size()];
    for (int k = 0; k < publishedFrames.length; k++) {
      // capture time = start + frame time; frames lie on the 40 ms grid of 25 fps
      long ms = published.get(k).timestamp() - START_MS;
      publishedFrames[k] = (int) Math.round(ms * stream.fps() / 1000.0);
    }
    assertArrayEquals(publishedFrames, stream.stepFrames(4.0));
    assertEquals(published.size(), stream.labelsAt(4.0).length);
  }
}
