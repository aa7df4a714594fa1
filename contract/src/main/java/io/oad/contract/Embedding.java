package io.oad.contract;

import java.util.Arrays;
import java.util.Objects;

/**
 * One frame's embedding as published on {@link Topics#EMBEDDINGS}.
 *
 * @param sequence per-camera frame sequence number (copied from the frame)
 * @param captureTimeMs capture time in epoch milliseconds
 * @param extractorId identifies the backbone (and its version) that produced the vector
 * @param vector the embedding; finite values only
 */
public record Embedding(long sequence, long captureTimeMs, String extractorId, float[] vector) {
  /** Largest dimension the contract accepts. */
  public static final int MAX_DIMENSION = 65_536;

  /** Validates every field; a message names the first broken rule. */
  public Embedding {
    Objects.requireNonNull(extractorId, "extractorId");
    Objects.requireNonNull(vector, "vector");
    if (sequence < 0) {
      throw new ContractException("negative sequence " + sequence);
    }
    if (vector.length == 0 || vector.length > MAX_DIMENSION) {
      throw new ContractException(
          "embedding dimension " + vector.length + " outside 1.." + MAX_DIMENSION);
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new ContractException("embedding value " + i + " is not finite: " + vector[i]);
      }
    }
  }

  /** The dimension of the vector. */
  public int dimension() {
    return vector.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Embedding e
        && sequence == e.sequence
        && captureTimeMs == e.captureTimeMs
        && extractorId.equals(e.extractorId)
        && Arrays.equals(vector, e.vector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sequence, captureTimeMs, extractorId) * 31 + Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "Embedding[seq="
        + sequence
        + ", t="
        + captureTimeMs
        + ", extractor="
        + extractorId
        + ", dim="
        + vector.length
        + "]";
  }
}
