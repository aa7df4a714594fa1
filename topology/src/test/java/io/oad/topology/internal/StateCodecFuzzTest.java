package io.oad.topology.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.Mutator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the decoders of the topology's state (what a changelog restore reads back):
 * window keys, window metadata, stored steps, episode state and last-seen entries. Each either
 * returns a value that survives another encode/decode round, or throws {@link
 * SerializationException}; never an index, buffer or null-pointer error.
 */
class StateCodecFuzzTest {
  private static final int ITERATIONS = 8_000;

  @Test
  void shouldDecodeOrRefuseMutatedWindowKeys() {
    Serde<WindowKey> serde = WindowKey.serde();
    List<byte[]> corpus = new ArrayList<>();
    for (WindowKey k :
        List.of(WindowKey.meta("cam-1"), new WindowKey("kamera-ü", 31), new WindowKey("", 0))) {
      corpus.add(serde.serializer().serialize("t", k));
    }
    int ok =
        fuzz(
            "WindowKey",
            31,
            corpus,
            b -> serde.deserializer().deserialize("t", b),
            k ->
                assertEquals(
                    k,
                    serde.deserializer().deserialize("t", serde.serializer().serialize("t", k))));
    assertTrue(ok > 0);
  }

  @Test
  void shouldDecodeOrRefuseMutatedWindowMetadata() {
    List<byte[]> corpus =
        List.of(
            WindowMeta.first(0, 1_700_000_000_000L, 32, 256).encode(),
            WindowMeta.first(7, 5, 4, 8).withSeen(9).openedAt(3, 9, 800).emitted().encode());
    int ok =
        fuzz(
            "WindowMeta",
            32,
            corpus,
            WindowMeta::decode,
            m -> assertEquals(m, WindowMeta.decode(m.encode())));
    assertTrue(ok > 0);
  }

  @Test
  void shouldDecodeOrRefuseMutatedStoredSteps() {
    float[] v = {1f, -2f, 0.5f, 3e-7f};
    int ok =
        fuzz(
            "stored step",
            33,
            List.of(CameraWindowStore.encodeVector(v)),
            b -> CameraWindowStore.decodeVector(b, v.length),
            f ->
                assertArrayEquals(
                    f,
                    CameraWindowStore.decodeVector(CameraWindowStore.encodeVector(f), v.length)));
    assertTrue(ok > 0);
  }

  @Test
  void shouldDecodeOrRefuseMutatedEpisodeState() {
    CameraEpisodes c = new CameraEpisodes();
    ActionEpisode walk = c.of("walk");
    walk.active = true;
    walk.run = 3;
    walk.startMs = 1_700_000_000_000L;
    walk.peak = 0.9;
    c.of("wave-ß").lastEndMs = 12;
    int ok =
        fuzz(
            "CameraEpisodes",
            34,
            List.of(c.encode(), new CameraEpisodes().encode()),
            CameraEpisodes::decode,
            e -> assertArrayEquals(e.encode(), CameraEpisodes.decode(e.encode()).encode()));
    assertTrue(ok > 0);
  }

  @Test
  void shouldDecodeOrRefuseMutatedLastSeenEntries() {
    int ok =
        fuzz(
            "LastSeen",
            35,
            List.of(
                new CameraLivenessProcessor.LastSeen(1_700_000_000_000L, false).encode(),
                new CameraLivenessProcessor.LastSeen(0, true).encode()),
            CameraLivenessProcessor.LastSeen::decode,
            s -> assertEquals(s, CameraLivenessProcessor.LastSeen.decode(s.encode())));
    assertTrue(ok > 0);
  }

  /**
   * Runs {@code decode} on mutants of {@code corpus}; fails on the first input that raised anything
   * but {@link SerializationException} or decoded to a value {@code valid} refuses.
   */
  private static <T> int fuzz(
      String what, long seed, List<byte[]> corpus, Function<byte[], T> decode, Consumer<T> valid) {
    Mutator m = new Mutator(seed, corpus);
    int accepted = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] input = m.next();
      T value;
      try {
        value = decode.apply(input);
      } catch (SerializationException refused) {
        assertNotNull(refused.getMessage(), "a refusal says why");
        continue;
      } catch (RuntimeException | Error e) {
        throw new AssertionError(
            what + " (seed " + seed + ", input " + i + ") raised " + e + " on " + show(input), e);
      }
      assertNotNull(value, what + " decoded non-null bytes to null");
      valid.accept(value);
      accepted++;
    }
    return accepted;
  }

  private static String show(byte[] b) {
    String text = new String(b, 0, Math.min(b.length, 200), StandardCharsets.ISO_8859_1);
    return b.length + " bytes '" + text.replaceAll("[^\\x20-\\x7e]", "?") + "'";
  }
}
