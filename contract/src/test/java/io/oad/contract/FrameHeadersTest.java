package io.oad.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class FrameHeadersTest {
  @Test
  void shouldReadAnOptionalHeaderAsAbsentOrItsNumberButRefuseText() {
    Headers headers = new RecordHeaders();
    assertNull(FrameHeaders.getOptionalLong(headers, FrameHeaders.SEQUENCE));
    assertNull(
        FrameHeaders.getOptionalLong(null, FrameHeaders.SEQUENCE), "a record without headers");
    headers.add(FrameHeaders.WIDTH, null);
    assertNull(FrameHeaders.getOptionalLong(headers, FrameHeaders.WIDTH), "a header without value");
    FrameHeaders.putLong(headers, FrameHeaders.CAPTURE_TIME, 1_700_000_000_000L);
    assertEquals(
        1_700_000_000_000L, FrameHeaders.getOptionalLong(headers, FrameHeaders.CAPTURE_TIME));
    FrameHeaders.putString(headers, FrameHeaders.SEQUENCE, "seven");
    ContractException e =
        assertThrows(
            ContractException.class,
            () -> FrameHeaders.getOptionalLong(headers, FrameHeaders.SEQUENCE));
    assertEquals("header oad.seq is not a number: 'seven'", e.getMessage());
    // the required form still says which header is missing
    assertEquals(
        "missing header oad.height",
        assertThrows(
                ContractException.class,
                () -> FrameHeaders.getLong(new RecordHeaders(), FrameHeaders.HEIGHT))
            .getMessage());
  }
}
