package io.oad.service;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Readiness of a role that runs a Kafka consumer loop: wraps the consumer so that every {@code
 * poll} that returns (an empty poll included) is recorded, together with whether the consumer then
 * had partitions assigned. Ready means the last successful poll is recent and the consumer has an
 * assignment. The wrapped consumer is still used by its one polling thread only; {@link #ready()}
 * reads two volatile fields and may be called from any thread.
 */
public final class PollTracker implements BooleanSupplier {
  private final Duration maxSilence;
  private final LongSupplier nanoClock;
  private volatile long lastPollNanos;
  private volatile boolean polledOnce;
  private volatile boolean assigned;

  /**
   * @param maxSilence how long after the last successful poll the role still counts as ready
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

  /** Returns {@code consumer} wrapped so that its polls are recorded here. */
  @SuppressWarnings("unchecked")
  public <K, V> Consumer<K, V> track(Consumer<K, V> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    InvocationHandler handler =
        (proxy, method, args) -> {
          Object result = invoke(consumer, method, args);
          if ("poll".equals(method.getName())) {
            polled(!consumer.assignment().isEmpty());
          }
          return result;
        };
    return (Consumer<K, V>)
        Proxy.newProxyInstance(
            Consumer.class.getClassLoader(), new Class<?>[] {Consumer.class}, handler);
  }

  /** Records one successful poll; {@code hasAssignment} tells whether partitions were assigned. */
  public void polled(boolean hasAssignment) {
    assigned = hasAssignment;
    lastPollNanos = nanoClock.getAsLong();
    polledOnce = true;
  }

  /** Ready: polled successfully within {@code maxSilence} and has partitions assigned. */
  public boolean ready() {
    return polledOnce && assigned && nanoClock.getAsLong() - lastPollNanos <= maxSilence.toNanos();
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
