package io.oad.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CameraIdsTest {
  @Test
  void shouldAcceptIdsMadeOfTheAllowedCharactersUpToTheLimit() {
    for (String id :
        List.of(
            "cam-a",
            "a",
            "Lobby_2.north",
            "site:berlin/floor-3/cam@7",
            "x".repeat(CameraIds.MAX_BYTES))) {
      assertNull(CameraIds.violation(id), id);
      assertEquals(id, CameraIds.require(id));
    }
  }

  @Test
  void shouldRefuseEmptyTooLongAndForeignCharactersWithAReason() {
    assertTrue(CameraIds.violation(null).contains("missing"), CameraIds.violation(null));
    assertTrue(CameraIds.violation("").contains("empty"), CameraIds.violation(""));
    String tooLong = "x".repeat(CameraIds.MAX_BYTES + 1);
    assertTrue(CameraIds.violation(tooLong).contains("129 bytes"), CameraIds.violation(tooLong));
    assertTrue(CameraIds.violation("cam a").contains("' '"), CameraIds.violation("cam a"));
    assertTrue(CameraIds.violation("cam\n").contains("U+000A"), CameraIds.violation("cam\n"));
    assertTrue(CameraIds.violation("kamera-\u00e4").contains("U+00E4"));
    assertTrue(CameraIds.violation("cam\ud83d\ude00").contains("U+1F600"));
    ContractException e = assertThrows(ContractException.class, () -> CameraIds.require("a b"));
    assertTrue(e.getMessage().startsWith("camera id "), e.getMessage());
  }

  @Test
  void shouldKeepTheReasonShortForAHugeId() {
    String huge = "k".repeat(600_000);
    String reason = CameraIds.violation(huge);
    assertTrue(reason.length() < 200, reason);
    assertTrue(reason.contains("600000 bytes"), reason);
    String hugeBad = " ".repeat(600_000);
    assertTrue(CameraIds.violation(hugeBad).length() < 200);
  }

  @Test
  void shouldShowABoundedPrintableFormOfAnyId() {
    assertEquals("cam-a", CameraIds.printable("cam-a"));
    assertEquals("null", CameraIds.printable(null));
    String shown = CameraIds.printable("k".repeat(600_000));
    assertTrue(shown.length() < 100, shown);
    assertTrue(shown.endsWith("(600000 bytes)"), shown);
    assertEquals("a?b", CameraIds.printable("a\nb"));
  }
}
