package io.oad.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
  @Test
  void shouldCutTextToABoundInUtf8BytesWithoutSplittingACharacter() {
    String ascii = "a".repeat(2000);
    assertTrue(DeadLetters.cut(ascii, 1024).getBytes(StandardCharsets.UTF_8).length <= 1024);
    assertTrue(DeadLetters.cut(ascii, 1024).endsWith("..."));
    String shortText = "fits";
    assertSame(shortText, DeadLetters.cut(shortText, 1024));
    for (String unit :
        new String[] {"\u00e4", "\u20ac", "\ud83d\ude00", "\ud836\udc00", "\ud800"}) {
      String text = unit.repeat(600);
      String cut = DeadLetters.cut(text, 1024);
      int bytes = cut.getBytes(StandardCharsets.UTF_8).length;
      assertTrue(bytes <= 1024, unit + ": " + bytes);
      assertTrue(bytes > 1000 || unit.equals("\ud800"), unit + ": " + bytes);
      String body = cut.substring(0, cut.length() - 3);
      assertEquals(0, body.length() % unit.length(), "no character split");
    }
  }
}
