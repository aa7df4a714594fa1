package io.oad.topology.internal;

import io.oad.topology.DetectorMetrics;

/**
 * An embedding refused at the topology's input, before it touches any state: its key breaks the
 * camera-id rule or its capture time is out of tolerance. The processing exception handler
 * dead-letters it with {@link #getMessage()} as reason and counts {@link #metricReason()}. Carries
 * no stack trace: a hostile producer may send many, and the reason says all there is to say.
 */
public final class InvalidEmbeddingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String metricReason;

  /**
   * @param metricReason a {@link DetectorMetrics#REASONS} value
   * @param reason the short, bounded reason (from the contract's rules)
   */
  public InvalidEmbeddingException(String metricReason, String reason) {
    super(reason, null, false, false);
    this.metricReason = metricReason;
  }

  /** The {@link DetectorMetrics#DROPPED} reason. */
  public String metricReason() {
    return metricReason;
  }
}
