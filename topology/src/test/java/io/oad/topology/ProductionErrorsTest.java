package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.DeadLetterHeaders;
import io.oad.contract.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/**
 * The production exception handler that {@link DetectConfig#streamsProperties()} installs: an
 * output record that cannot be sent is dead-lettered as a small stub and processing goes on.
 */
class ProductionErrorsTest {
  private static final byte[] KEY = "cam-1".getBytes(StandardCharsets.UTF_8);

  /** The context of a record read from oad.embeddings partition 2 at offset 41. */
  private record Context(Headers headers) implements ErrorHandlerContext {
    @Override
    public String topic() {
      return Topics.EMBEDDINGS;
    }

    @Override
    public int partition() {
      return 2;
    }

    @Override
    public long offset() {
      return 41;
    }

    @Override
    public String processorNodeId() {
      return DetectorTopology.SINK;
    }

    @Override
    public TaskId taskId() {
      return new TaskId(0, 2);
    }

    @Override
    public long timestamp() {
      return 1_700_000_000_000L;
    }

    @Override
    public byte[] sourceRawKey() {
      return KEY;
    }

    @Override
    public byte[] sourceRawValue() {
      return new byte[2048];
    }
  }

  private static ProductionExceptionHandler installed(DetectorMetrics metrics) throws Exception {
    Properties p = DetectorApp.streamsProperties(DetectConfig.builder().build(), metrics);
    Object name = p.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG);
    assertNotNull(name, "no production exception handler configured");
    ProductionExceptionHandler handler =
        Utils.newInstance(Class.forName(name.toString()), ProductionExceptionHandler.class);
    Map<String, Object> configs = new HashMap<>();
    p.forEach((k, v) -> configs.put(k.toString(), v));
    handler.configure(configs);
    return handler;
  }

  private static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldDeadLetterARecordTooLargeToSendAsAStubAndResume() throws Exception {
    DetectorMetrics metrics = new DetectorMetrics();
    ProductionExceptionHandler handler = installed(metrics);
    byte[] huge = new byte[1_200_000];
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(Topics.PREDICTIONS, null, 5L, KEY, huge, new RecordHeaders());

    ProductionExceptionHandler.Response r =
        handler.handleError(
            new Context(new RecordHeaders()),
            out,
            new RecordTooLargeException("The message is 1200100 bytes when serialized"));

    assertEquals(ProductionExceptionHandler.Result.RESUME, r.result());
    List<ProducerRecord<byte[], byte[]>> dead = r.deadLetterQueueRecords();
    assertEquals(1, dead.size());
    ProducerRecord<byte[], byte[]> stub = dead.get(0);
    assertEquals(Topics.DEADLETTER, stub.topic());
    assertNull(stub.value());
    assertEquals("cam-1", new String(stub.key(), StandardCharsets.UTF_8));
    assertEquals(
        String.valueOf(huge.length), header(stub.headers(), DeadLetterHeaders.VALUE_DROPPED));
    assertEquals("detect", header(stub.headers(), DeadLetterHeaders.STAGE));
    assertEquals("41", header(stub.headers(), DeadLetterHeaders.OFFSET));
    assertTrue(header(stub.headers(), DeadLetterHeaders.REASON).contains(Topics.PREDICTIONS));
    assertTrue(header(stub.headers(), DeadLetterHeaders.REASON).contains("RecordTooLarge"));
    assertEquals(1, metrics.droppedCount("unsendable"));
  }

  @Test
  void shouldStillFailOnAnAuthorizationError() throws Exception {
    ProductionExceptionHandler handler = installed(new DetectorMetrics());
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(Topics.PREDICTIONS, null, 5L, KEY, new byte[10], new RecordHeaders());
    ProductionExceptionHandler.Response r =
        handler.handleError(
            new Context(new RecordHeaders()), out, new TopicAuthorizationException("denied"));
    assertEquals(ProductionExceptionHandler.Result.FAIL, r.result());
  }
}
