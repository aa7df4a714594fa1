package io.oad.training.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Embedding;
import io.oad.contract.EmbeddingSerde;
import io.oad.contract.Topics;
import io.oad.datasets.compose.ComposedStream;
import io.oad.extractor.ExtractorConfig;
import io.oad.extractor.ExtractorMetrics;
import io.oad.extractor.ExtractorService;
import io.oad.extractor.FrameInput;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.extractor.TwoStreamConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestedFramesTest {
  private static final double STEPS_PER_SECOND = 4.0;

  @TempDir static Path dir;
  private static ComposedStream stream;

  @BeforeAll
  static void compose() {
    stream = SharedClips.stream("ira", 5, dir.resolve("streams"));
  }

  private static List<IngestedFrames.Step> steps() {
    List<IngestedFrames.Step> steps = new ArrayList<>();
    IngestedFrames.forEach(stream, STEPS_PER_SECOND, steps::add);
    return steps;
  }

  @Test
  void shouldPairEveryStepWithThePreviousStepAndLabelItAsTheComposer() {
    List<IngestedFrames.Step> steps = steps();

    assertTrue(steps.size() > 50, "steps: " + steps.size());
    assertNull(steps.get(0).frame().previous(), "the first frame has none");
    for (int i = 1; i < steps.size(); i++) {
      assertEquals(i, steps.get(i).index());
      assertSame(steps.get(i - 1).frame().current(), steps.get(i).frame().previous());
    }
    int[] expected = stream.labelsAt(STEPS_PER_SECOND);
    assertArrayEquals(expected, steps.stream().mapToInt(IngestedFrames.Step::label).toArray());
  }

  @Test
  void shouldComputeTheSameEmbeddingsAsTheExtractorService() throws Exception {
    Path model = dir.resolve("backbone");
    try (TwoStreamBackbone b =
        TwoStreamBackbone.untrained(new TwoStreamConfig(32, 24, List.of(8, 16), 16, 11), 3)) {
      b.save(model);
    }
    // offline, as StreamFeatures does it
    List<FrameInput> frames = steps().stream().map(IngestedFrames.Step::frame).toList();
    float[][] offline;
    float[][] motionless;
    try (TwoStreamBackbone b = TwoStreamBackbone.load(model)) {
      offline = b.embedFrames(frames);
      motionless = b.embedFrames(frames.stream().map(f -> FrameInput.of(f.current())).toList());
    }

    float[][] online = throughTheService(TwoStreamBackbone.load(model), frames.size());

    float largestMotionEffect = 0;
    for (int i = 0; i < frames.size(); i++) {
      assertArrayEquals(offline[i], online[i], 1e-4f, "step " + i);
      for (int k = 0; k < offline[i].length; k++) {
        largestMotionEffect =
            Math.max(largestMotionEffect, Math.abs(offline[i][k] - motionless[i][k]));
      }
    }
    assertTrue(largestMotionEffect > 1e-3, "previous frames must matter: " + largestMotionEffect);
  }

  /** Feeds ingest's records to a real ExtractorService over mock clients; the service closes it. */
  private static float[][] throughTheService(TwoStreamBackbone backbone, int expected)
      throws InterruptedException {
    TopicPartition partition = new TopicPartition(Topics.FRAMES, 0);
    List<ProducerRecord<String, byte[]>> records = IngestedFrames.ingest(stream, STEPS_PER_SECOND);
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(partition));
          consumer.updateBeginningOffsets(Map.of(partition, 0L));
          for (int i = 0; i < records.size(); i++) {
            ProducerRecord<String, byte[]> r = records.get(i);
            consumer.addRecord(
                new ConsumerRecord<>(
                    partition.topic(),
                    0,
                    i,
                    r.timestamp(),
                    TimestampType.CREATE_TIME,
                    -1,
                    r.value().length,
                    r.key(),
                    r.value(),
                    r.headers(),
                    Optional.empty()));
          }
        });
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    ExtractorConfig config =
        ExtractorConfig.builder().setBootstrapServers("unused:9092").optMaxBatchSize(16).build();
    ExtractorService service =
        new ExtractorService(config, backbone, new ExtractorMetrics(), consumer, producer);
    Thread thread = new Thread(service, "extractor-under-test");
    thread.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (producer.history().size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    service.close();
    thread.join(10_000);
    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertEquals(expected, sent.size(), "embeddings published");
    EmbeddingSerde serde = new EmbeddingSerde();
    float[][] out = new float[expected][];
    for (ProducerRecord<String, byte[]> r : sent) {
      Embedding e = serde.deserialize(r.topic(), r.value());
      out[(int) e.sequence()] = e.vector();
    }
    return out;
  }
}
