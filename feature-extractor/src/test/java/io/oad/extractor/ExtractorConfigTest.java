package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Topics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtractorConfigTest {
  private static ExtractorConfig.Builder builder() {
    return ExtractorConfig.builder().setBootstrapServers("broker:9092");
  }

  @Test
  void shouldUseTheContractTopicsAndDocumentedDefaults() {
    ExtractorConfig config = builder().build();
    assertEquals("oad-extractor", config.groupId());
    assertEquals(16, config.maxBatchSize());
    assertEquals(Duration.ofMillis(20), config.maxWait());
    assertEquals(Topics.FRAMES, config.framesTopic());
    assertEquals(Topics.EMBEDDINGS, config.embeddingsTopic());
    assertEquals(Topics.DEADLETTER, config.deadLetterTopic());
    assertFalse(config.transactional());
    assertEquals(false, config.consumerProperties().get("enable.auto.commit"));
    assertEquals(64, config.consumerProperties().get("max.poll.records"));
    assertFalse(config.consumerProperties().containsKey("isolation.level"));
    assertFalse(config.producerProperties().containsKey("transactional.id"));
  }

  @Test
  void shouldPassExtraPropertiesToTheRightClientButKeepTheEssentialOnes() {
    ExtractorConfig config =
        builder()
            .optProperty("client.id", "x1")
            .optProperty("consumer.max.poll.records", 100)
            .optProperty("producer.linger.ms", 0)
            .optProperty("enable.auto.commit", true)
            .build();
    Map<String, Object> consumer = config.consumerProperties();
    Map<String, Object> producer = config.producerProperties();
    assertEquals("x1", consumer.get("client.id"));
    assertEquals("x1", producer.get("client.id"));
    assertEquals(100, consumer.get("max.poll.records"));
    assertFalse(producer.containsKey("max.poll.records"));
    assertEquals(0, producer.get("linger.ms"));
    assertFalse(consumer.containsKey("linger.ms"));
    assertEquals(false, consumer.get("enable.auto.commit"), "manual commits cannot be disabled");
    assertEquals("broker:9092", producer.get("bootstrap.servers"));
  }

  @Test
  void shouldConfigureBothClientsForTransactions() {
    ExtractorConfig config = builder().optTransactionalId("extractor-0").build();
    assertTrue(config.transactional());
    assertEquals("extractor-0", config.producerProperties().get("transactional.id"));
    assertEquals("read_committed", config.consumerProperties().get("isolation.level"));
  }

  @Test
  void shouldRefuseInvalidSettingsWithAClearMessage() {
    assertMessage("bootstrapServers", ExtractorConfig.builder());
    assertMessage("maxBatchSize", builder().optMaxBatchSize(0));
    assertMessage("maxWait", builder().optMaxWait(Duration.ofMillis(-1)));
    assertMessage("pollTimeout", builder().optPollTimeout(Duration.ZERO));
    assertMessage("groupId", builder().optGroupId(" "));
    assertMessage("must differ", builder().optEmbeddingsTopic(Topics.FRAMES));
    assertMessage("transactionalId", builder().optTransactionalId(""));
  }

  @Test
  void shouldBoundWorkersAndGiveEachTransactionalWorkerItsOwnId() {
    assertEquals(1, builder().build().workers());
    assertMessage("extract.workers", builder().optWorkers(0));
    assertMessage("extract.workers", builder().optWorkers(ExtractorConfig.MAX_WORKERS + 1));
    ExtractorConfig config = builder().optWorkers(3).optTransactionalId("pod-0").build();
    assertEquals("pod-0", config.forWorker(0).producerProperties().get("transactional.id"));
    assertEquals("pod-0-w2", config.forWorker(2).producerProperties().get("transactional.id"));
    assertEquals("oad-extractor", config.forWorker(2).groupId(), "one group: Kafka splits");
    assertThrows(IllegalArgumentException.class, () -> config.forWorker(3));
    ExtractorConfig plain = builder().optWorkers(2).build();
    assertFalse(plain.forWorker(1).transactional());
  }

  @Test
  void shouldBoundCaptureTimesPixelsAndDeadLettersByDefault() {
    ExtractorConfig config = builder().build();
    assertEquals(Duration.ofMinutes(1), config.maxCaptureAhead());
    assertEquals(3840L * 2160, config.maxFramePixels());
    assertEquals(1280L * 720, config.maxDecodedPixels());
    assertEquals(16L * 1280 * 720, config.maxBatchPixels());
    assertEquals(1024 * 1024, config.maxRequestSize());
    assertEquals(
        200_000,
        builder().optProperty("producer.max.request.size", "200000").build().maxRequestSize());
    assertMessage("maxCaptureAhead", builder().optMaxCaptureAhead(Duration.ofSeconds(-1)));
    assertMessage("maxCaptureAhead", builder().optMaxCaptureAhead(Duration.ofDays(2)));
    assertMessage("maxFramePixels", builder().optMaxFramePixels(0));
    assertMessage("maxFramePixels", builder().optMaxFramePixels(8193L * 8192));
    assertMessage("maxDecodedPixels", builder().optMaxFramePixels(1000).optMaxDecodedPixels(1001));
    assertMessage("maxBatchPixels", builder().optMaxBatchPixels(1000));
  }

  private static void assertMessage(String fragment, ExtractorConfig.Builder builder) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
