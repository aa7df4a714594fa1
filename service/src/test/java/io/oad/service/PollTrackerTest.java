package io.oad.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PollTrackerTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final PollTracker tracker = new PollTracker(Duration.ofSeconds(30), now::get);

  @Test
  void shouldBeReadyOnlyAfterAPollWithAnAssignment() {
    MockConsumer<String, byte[]> mock = new MockConsumer<>("earliest");
    Consumer<String, byte[]> consumer = tracker.track(mock);
    assertFalse(tracker.ready(), "never polled");

    consumer.subscribe(List.of("oad.frames"));
    consumer.poll(Duration.ZERO);
    assertFalse(tracker.ready(), "polled without an assignment");

    TopicPartition tp = new TopicPartition("oad.frames", 0);
    mock.rebalance(List.of(tp));
    mock.updateBeginningOffsets(Map.of(tp, 0L));
    consumer.poll(Duration.ZERO);
    assertTrue(tracker.ready());
    assertEquals(mock.assignment(), consumer.assignment(), "other calls reach the consumer");
  }

  @Test
  void shouldTurnNotReadyWhenPollsStop() {
    tracker.polled(true);
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertTrue(tracker.ready());
    now.addAndGet(1);
    assertFalse(tracker.ready());
  }

  @Test
  void shouldWaitForEveryWorkersPollsButNeedOnlyOneAssignment() {
    MockConsumer<String, byte[]> busy = new MockConsumer<>("earliest");
    MockConsumer<String, byte[]> idle = new MockConsumer<>("earliest");
    Consumer<String, byte[]> first = tracker.track(busy);
    Consumer<String, byte[]> second = tracker.track(idle);
    first.subscribe(List.of("oad.frames"));
    second.subscribe(List.of("oad.frames"));
    TopicPartition tp = new TopicPartition("oad.frames", 0);
    busy.rebalance(List.of(tp));
    busy.updateBeginningOffsets(Map.of(tp, 0L));
    first.poll(Duration.ZERO);
    assertFalse(tracker.ready(), "the second worker has not polled yet");
    second.poll(Duration.ZERO);
    assertTrue(tracker.ready(), "a worker beyond the partitions idles without an assignment");
    now.addAndGet(Duration.ofSeconds(20).toNanos());
    second.poll(Duration.ZERO);
    now.addAndGet(Duration.ofSeconds(20).toNanos());
    second.poll(Duration.ZERO);
    assertFalse(tracker.ready(), "the first worker stopped polling 40 s ago");
  }

  @Test
  void shouldPassPollExceptionsThroughAndNotCountThem() {
    MockConsumer<String, byte[]> mock = new MockConsumer<>("earliest");
    Consumer<String, byte[]> consumer = tracker.track(mock);
    consumer.subscribe(List.of("oad.frames"));
    mock.setPollException(new KafkaException("broker unreachable"));
    KafkaException e = assertThrows(KafkaException.class, () -> consumer.poll(Duration.ZERO));
    assertEquals("broker unreachable", e.getMessage());
    assertFalse(tracker.ready());
  }

  @Test
  void shouldRefuseANonPositiveSilence() {
    assertThrows(IllegalArgumentException.class, () -> new PollTracker(Duration.ZERO));
  }
}
