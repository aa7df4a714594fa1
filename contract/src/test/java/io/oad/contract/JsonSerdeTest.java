package io.oad.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {
  @Test
  void shouldRoundTripAPrediction() {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("background", 0.1);
    scores.put("walk", 0.9);
    Prediction p =
        new Prediction(
            "cam-1",
            7,
            1000,
            7,
            "m1",
            "walk",
            0.9,
            scores,
            List.of(new FutureStep(1, "walk", 0.8)),
            true,
            12);
    JsonSerde<Prediction> serde = JsonSerde.predictions();
    Prediction back = serde.deserialize("t", serde.serialize("t", p));
    assertEquals(p, back);
    assertEquals(List.of("background", "walk"), List.copyOf(back.scores().keySet()));
  }

  @Test
  void shouldRoundTripAnEvent() {
    ActionEvent e = new ActionEvent("cam-1", ActionEvent.Type.ACTION_STARTED, "wave1", 10, -1, 0.7);
    JsonSerde<ActionEvent> serde = JsonSerde.events();
    assertEquals(e, serde.deserialize("t", serde.serialize("t", e)));
  }

  @Test
  void shouldKeepNullAsNullAndRefuseGarbage() {
    JsonSerde<Prediction> serde = JsonSerde.predictions();
    assertNull(serde.serialize("t", null));
    assertNull(serde.deserialize("t", null));
    assertThrows(
        ContractException.class,
        () -> serde.deserialize("t", "{not json".getBytes(StandardCharsets.UTF_8)));
    assertThrows(
        ContractException.class,
        () -> serde.deserialize("t", "{}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void shouldPickTheTopAnticipatedActionThatDiffersFromNow() {
    Prediction p =
        new Prediction(
            "c",
            0,
            0,
            0,
            "m",
            "walk",
            0.9,
            Map.of(),
            List.of(
                new FutureStep(1, "walk", 0.9),
                new FutureStep(2, "run", 0.6),
                new FutureStep(3, "jump", 0.4)),
            true,
            0);
    assertEquals("run", p.topFuture().action());
  }
}
