package io.oad.contract;

/**
 * Header names on {@link Topics#DEADLETTER}: which stage refused the record, why, and where it came
 * from.
 */
public final class DeadLetterHeaders {
  /** Stage that refused the record: {@code ingest}, {@code extract}, {@code detect}. */
  public static final String STAGE = "oad.dlq.stage";

  /** Human-readable reason. */
  public static final String REASON = "oad.dlq.reason";

  /** Source topic of the refused record. */
  public static final String TOPIC = "oad.dlq.topic";

  /** Source partition of the refused record. */
  public static final String PARTITION = "oad.dlq.partition";

  /** Source offset of the refused record. */
  public static final String OFFSET = "oad.dlq.offset";

  private DeadLetterHeaders() {}
}
