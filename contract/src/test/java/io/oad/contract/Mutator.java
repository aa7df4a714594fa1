package io.oad.contract;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded byte-level mutator for fuzzing decoders: bit flips, interesting bytes, truncation,
 * extension, splices of two inputs, chunk duplication, huge or negative length fields in both byte
 * orders, text tokens for JSON, and plain random bytes. The same seed gives the same inputs, so a
 * failure can be replayed. Shared with the fuzz tests of other modules through this module's test
 * jar.
 */
public final class Mutator {
  private static final int[] INTERESTING_INTS = {
    0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 65_536, 65_537, 0x7FFF_FFFF, 0x8000_0000
  };
  private static final List<String> TOKENS =
      List.of(
          "{",
          "}",
          "[",
          "]",
          "\"",
          ":",
          ",",
          "null",
          "true",
          "-",
          "1e999999",
          "-0",
          "NaN",
          "\\u0000",
          "\"camera\":",
          "\"type\":\"NOPE\"",
          "\"future\":[{}]",
          "\"scores\":{\"a\":null}",
          "9".repeat(400),
          "[".repeat(3000),
          "{\"a\":".repeat(1500));

  private final Random random;
  private final List<byte[]> corpus;

  /**
   * @param seed fixes the sequence of inputs
   * @param corpus valid encodings to start from (at least one)
   */
  public Mutator(long seed, List<byte[]> corpus) {
    if (corpus.isEmpty()) {
      throw new IllegalArgumentException("the corpus must hold at least one valid input");
    }
    this.random = new Random(seed);
    this.corpus = List.copyOf(corpus);
  }

  /** The random source, for callers that mutate more than bytes. */
  public Random random() {
    return random;
  }

  /** The next input: a corpus entry after 1..4 mutations, or (rarely) random bytes. */
  public byte[] next() {
    if (random.nextInt(16) == 0) {
      byte[] noise = new byte[random.nextInt(300)];
      random.nextBytes(noise);
      return noise;
    }
    byte[] b = pick().clone();
    int rounds = 1 + random.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      b = mutate(b);
    }
    return b;
  }

  private byte[] pick() {
    return corpus.get(random.nextInt(corpus.size()));
  }

  /** One mutation of {@code b} (may return a new array). */
  public byte[] mutate(byte[] b) {
    switch (random.nextInt(10)) {
      case 0: // bit flips
        if (b.length > 0) {
          for (int k = 1 + random.nextInt(8); k > 0; k--) {
            int at = random.nextInt(b.length);
            b[at] ^= (byte) (1 << random.nextInt(8));
          }
        }
        return b;
      case 1: // interesting single bytes
        if (b.length > 0) {
          b[random.nextInt(b.length)] = (byte) INTERESTING_INTS[random.nextInt(6)];
        }
        return b;
      case 2: // truncation
        return Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length));
      case 3: // extension with random bytes
        {
          byte[] longer = Arrays.copyOf(b, b.length + 1 + random.nextInt(64));
          for (int i = b.length; i < longer.length; i++) {
            longer[i] = (byte) random.nextInt(256);
          }
          return longer;
        }
      case 4: // splice: head of this one, tail of another input
        {
          byte[] other = pick();
          int head = b.length == 0 ? 0 : random.nextInt(b.length + 1);
          int tail = other.length == 0 ? 0 : random.nextInt(other.length + 1);
          byte[] s = Arrays.copyOf(b, head + (other.length - tail));
          System.arraycopy(other, tail, s, head, other.length - tail);
          return s;
        }
      case 5: // duplicated chunk
        {
          if (b.length == 0) {
            return b;
          }
          int from = random.nextInt(b.length);
          int len = 1 + random.nextInt(Math.min(64, b.length - from));
          int at = random.nextInt(b.length + 1);
          byte[] d = new byte[b.length + len];
          System.arraycopy(b, 0, d, 0, at);
          System.arraycopy(b, from, d, at, len);
          System.arraycopy(b, at, d, at + len, b.length - at);
          return d;
        }
      case 6: // a huge, negative or boundary length field, 2, 4 or 8 bytes wide
        {
          int width = new int[] {2, 4, 8}[random.nextInt(3)];
          if (b.length < width) {
            return b;
          }
          long v =
              random.nextInt(4) == 0
                  ? (random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE)
                  : INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
          ByteBuffer w =
              ByteBuffer.wrap(b)
                  .order(random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
          int at = random.nextInt(b.length - width + 1);
          switch (width) {
            case 2 -> w.putShort(at, (short) v);
            case 4 -> w.putInt(at, (int) v);
            default -> w.putLong(at, v);
          }
          return b;
        }
      case 7: // a text token inserted (JSON structure, big numbers, deep nesting)
        {
          byte[] t = TOKENS.get(random.nextInt(TOKENS.size())).getBytes(StandardCharsets.UTF_8);
          int at = random.nextInt(b.length + 1);
          byte[] d = new byte[b.length + t.length];
          System.arraycopy(b, 0, d, 0, at);
          System.arraycopy(t, 0, d, at, t.length);
          System.arraycopy(b, at, d, at + t.length, b.length - at);
          return d;
        }
      case 8: // a byte range deleted
        {
          if (b.length == 0) {
            return b;
          }
          int from = random.nextInt(b.length);
          int len = 1 + random.nextInt(Math.min(32, b.length - from));
          byte[] d = new byte[b.length - len];
          System.arraycopy(b, 0, d, 0, from);
          System.arraycopy(b, from + len, d, from, b.length - from - len);
          return d;
        }
      default: // random bytes overwritten
        for (int k = 1 + random.nextInt(4); k > 0 && b.length > 0; k--) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
    }
  }
}
