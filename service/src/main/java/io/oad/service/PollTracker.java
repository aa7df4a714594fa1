package io.oad.service;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Readiness of a role that runs Kafka consumer loops: wraps each consumer so that every {@code
 * poll} that returns (an empty poll included) is recorded, together with whether that consumer then
 * had partitions assigned. Ready means every tracked consumer's last successful poll is recent and
 * at least one of them has an assignment (an extractor runs one consumer per worker; a worker
 * beyond the partition count has none and idles, but still polls). Each wrapped consumer is still
 * used by its one polling thread only; {@link #ready()} reads volatile fields and may be called
 * from any thread.
 */
public final class PollTracker implements BooleanSupplier {
  private final Duration maxSilence;
  private final LongSupplier nanoClock;
  private final List<Polls> tracked = new CopyOnWriteArrayList<>();
  private final AtomicReference<Polls> direct = new AtomicReference<>();

  /** The polls of one consumer. */
  private static final class Polls {
    private volatile long lastPollNanos;
    private volatile boolean polledOnce;
    private volatile boolean assigned;
  }

  /**
   * @param maxSilence how long after the last successful poll a consumer still counts as polling
   */
  public PollTracker(Duration maxSilence) {
    this(maxSilence, System::nanoTime);
  }

  PollTracker(Duration maxSilence, LongSupplier nanoClock) {
    if (maxSilence == null || maxSilence.isNegative() || maxSilence.isZero()) {
      throw new IllegalArgumentException("maxSilence must be positive, got " + maxSilence);
    }
    this.maxSilence = maxSilence;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /**
   * Returns {@code consumer} wrapped so that its polls are recorded here; from now on readiness
   * also waits for this consumer's polls.
   */
  @SuppressWarnings("unchecked")
  public <K, V> Consumer<K, V> track(Consumer<K, V> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    Polls polls = new Polls();
    tracked.add(polls);
    InvocationHandler handler =
        (proxy, method, args) -> {
          Object result = invoke(consumer, method, args);
          if ("poll".equals(method.getName())) {
            record(polls, !consumer.assignment().isEmpty());
          }
          return result;
        };
    return (Consumer<K, V>)
        Proxy.newProxyInstance(
            Consumer.class.getClassLoader(), new Class<?>[] {Consumer.class}, handler);
  }

  /**
   * Records one successful poll of a consumer polled outside {@link #track} (one per tracker);
   * {@code hasAssignment} tells whether partitions were assigned.
   */
  public void polled(boolean hasAssignment) {
    Polls polls = direct.get();
    if (polls == null) {
      Polls created = new Polls();
      if (direct.compareAndSet(null, created)) {
        tracked.add(created);
      }
      polls = direct.get();
    }
    record(polls, hasAssignment);
  }

  private void record(Polls polls, boolean hasAssignment) {
    polls.assigned = hasAssignment;
    polls.lastPollNanos = nanoClock.getAsLong();
    polls.polledOnce = true;
  }

  /**
   * Ready: every tracked consumer polled successfully within {@code maxSilence}, and at least one
   * has partitions assigned.
   */
  public boolean ready() {
    if (tracked.isEmpty()) {
      return false;
    }
    long now = nanoClock.getAsLong();
    boolean anyAssigned = false;
    for (Polls polls : tracked) {
      if (!polls.polledOnce || now - polls.lastPollNanos > maxSilence.toNanos()) {
        return false;
      }
      anyAssigned |= polls.assigned;
    }
    return anyAssigned;
  }

  @Override
  public boolean getAsBoolean() {
    return ready();
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
