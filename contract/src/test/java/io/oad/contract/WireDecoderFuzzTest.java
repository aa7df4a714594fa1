package io.oad.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of every decoder of the wire contract: thousands of mutated valid records each
 * (bit flips, truncation, splices, huge length fields, JSON tokens, random bytes). A decoder either
 * returns a valid value, one that survives another encode/decode round unchanged, or throws {@link
 * ContractException}, which the pipeline dead-letters; anything else (a null, NPE, index or buffer
 * errors, OOM) fails the test with the input that caused it.
 */
class WireDecoderFuzzTest {
  /** Mutants per decoder: enough to reach past every check, small enough for a few seconds. */
  private static final int ITERATIONS = 4_000;

  @Test
  void shouldDecodeOrRefuseMutatedEmbeddings() {
    EmbeddingSerde serde = new EmbeddingSerde();
    List<byte[]> corpus = new ArrayList<>();
    corpus.add(serde.serialize("t", new Embedding(0, 0, "", new float[] {0f})));
    corpus.add(serde.serialize("t", new Embedding(3, 4, "abc", new float[] {1f, -2f, 3e-7f})));
    corpus.add(
        serde.serialize(
            "t", new Embedding(1L << 40, 1_700_000_000_000L, "zwei-strom ✓ v2", new float[256])));
    int accepted =
        fuzz(
            "EmbeddingSerde",
            11,
            4 * ITERATIONS,
            corpus,
            bytes -> serde.deserialize("t", bytes),
            e -> assertEquals(e, serde.deserialize("t", serde.serialize("t", e)), "round trip"));
    assertTrue(
        accepted > 0,
        "some mutants are still valid embeddings (the fuzzer reaches past" + " the first check)");
  }

  @Test
  void shouldDecodeOrRefuseMutatedPredictions() {
    JsonSerde<Prediction> serde = JsonSerde.predictions();
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("background", 0.7);
    scores.put("walk", 0.2);
    scores.put("run", 0.1);
    List<byte[]> corpus =
        List.of(
            serde.serialize(
                "t",
                new Prediction(
                    "cam-1",
                    12,
                    1_700_000_000_000L,
                    12,
                    "oadtr-v1",
                    "background",
                    0.7,
                    scores,
                    List.of(new FutureStep(1, "walk", 0.5), new FutureStep(2, "run", 0.4)),
                    false,
                    35)),
            serde.serialize(
                "t", new Prediction("c", 0, 0, 0, "m", "a", 1, Map.of(), List.of(), true, 0)));
    int accepted =
        fuzz(
            "JsonSerde<Prediction>",
            12,
            ITERATIONS,
            corpus,
            bytes -> serde.deserialize("t", bytes),
            p -> {
              p.scores().forEach((k, v) -> assertNotNull(v, "score of " + k));
              assertEquals(p, serde.deserialize("t", serde.serialize("t", p)), "round trip");
            });
    assertTrue(accepted > 0, "some mutants are still valid predictions");
  }

  @Test
  void shouldDecodeOrRefuseMutatedEvents() {
    JsonSerde<ActionEvent> serde = JsonSerde.events();
    List<byte[]> corpus = new ArrayList<>();
    for (ActionEvent.Type type : ActionEvent.Type.values()) {
      corpus.add(
          serde.serialize(
              "t",
              new ActionEvent(
                  "cam-" + type.ordinal(),
                  type,
                  type.name().startsWith("CAMERA") ? null : "wave",
                  1_700_000_000_000L,
                  -1,
                  0.93)));
    }
    int accepted =
        fuzz(
            "JsonSerde<ActionEvent>",
            13,
            ITERATIONS,
            corpus,
            bytes -> serde.deserialize("t", bytes),
            e -> assertEquals(e, serde.deserialize("t", serde.serialize("t", e)), "round trip"));
    assertTrue(accepted > 0, "some mutants are still valid events");
  }

  @Test
  void shouldDecodeOrRefuseMutatedFutureSteps() {
    JsonSerde<FutureStep> serde = new JsonSerde<>(FutureStep.class);
    int accepted =
        fuzz(
            "JsonSerde<FutureStep>",
            14,
            ITERATIONS,
            List.of(serde.serialize("t", new FutureStep(3, "jump", 0.25))),
            bytes -> serde.deserialize("t", bytes),
            f -> assertEquals(f, serde.deserialize("t", serde.serialize("t", f)), "round trip"));
    assertTrue(accepted > 0, "some mutants are still valid future steps");
  }

  @Test
  void shouldReadOrRefuseMutatedFrameAndDeadLetterHeaders() {
    List<String> names =
        List.of(
            FrameHeaders.SEQUENCE,
            FrameHeaders.WIDTH,
            FrameHeaders.HEIGHT,
            FrameHeaders.CONTENT_TYPE,
            DeadLetterHeaders.STAGE,
            DeadLetterHeaders.REASON,
            DeadLetterHeaders.TOPIC,
            DeadLetterHeaders.PARTITION,
            DeadLetterHeaders.OFFSET);
    List<byte[]> corpus = new ArrayList<>();
    for (String v :
        List.of("0", "42", " 640 ", "9223372036854775807", "-1", "image/jpeg", "extract", "x")) {
      corpus.add(v.getBytes(StandardCharsets.US_ASCII));
    }
    Mutator m = new Mutator(15, corpus);
    int numbers = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      Headers headers = new RecordHeaders();
      for (int k = m.random().nextInt(6); k > 0; k--) {
        String name = names.get(m.random().nextInt(names.size()));
        headers.add(name, m.random().nextInt(20) == 0 ? null : m.next());
      }
      for (String name : names) {
        try {
          long v = FrameHeaders.getLong(headers, name);
          String text = FrameHeaders.getString(headers, name);
          assertEquals(v, Long.parseLong(text.trim()), "the number is the header's text");
          numbers++;
        } catch (ContractException refused) {
          // missing or not a number: a dead letter with this reason
        } catch (RuntimeException | Error e) {
          throw new AssertionError("header " + name + " of " + headers + " raised " + e, e);
        }
      }
    }
    assertTrue(numbers > 0, "some mutated headers are still numbers");
  }

  @Test
  void shouldKeepNullAsNullAndRefuseNonNullBytesThatDecodeToNothing() {
    JsonSerde<Prediction> predictions = JsonSerde.predictions();
    assertEquals(null, predictions.deserialize("t", null));
    for (String s : List.of("null", " null ", "", "  ")) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      try {
        Prediction p = predictions.deserialize("t", bytes);
        fail("'" + s + "' decoded to " + p);
      } catch (ContractException expected) {
        assertTrue(expected.getMessage().contains("Prediction"), expected.getMessage());
      }
    }
  }

  /**
   * Runs {@code decode} on {@code iterations} mutants of {@code corpus}; {@code valid} checks each
   * accepted value. Fails with the first input that raised anything but {@link ContractException}.
   *
   * @return how many mutants decoded to a value
   */
  static <T> int fuzz(
      String what,
      long seed,
      int iterations,
      List<byte[]> corpus,
      Function<byte[], T> decode,
      Consumer<T> valid) {
    Mutator m = new Mutator(seed, corpus);
    int accepted = 0;
    for (int i = 0; i < iterations; i++) {
      byte[] input = m.next();
      T value;
      try {
        value = decode.apply(input);
      } catch (ContractException refused) {
        assertNotNull(refused.getMessage(), "a refusal says why");
        continue;
      } catch (RuntimeException | Error e) {
        throw new AssertionError(
            what + " (seed " + seed + ", input " + i + ") raised " + e + " on " + show(input), e);
      }
      try {
        assertNotNull(value, "non-null bytes decode to a value");
        valid.accept(value);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            what
                + " (seed "
                + seed
                + ", input "
                + i
                + ") accepted an invalid value from "
                + show(input)
                + ": "
                + e.getMessage(),
            e);
      }
      accepted++;
    }
    return accepted;
  }

  private static String show(byte[] b) {
    String text = new String(b, 0, Math.min(b.length, 300), StandardCharsets.ISO_8859_1);
    return b.length + " bytes '" + text.replaceAll("[^\\x20-\\x7e]", "?") + "'";
  }
}
