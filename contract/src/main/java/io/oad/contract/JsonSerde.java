package io.oad.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde for the contract's records; {@code null} stays {@code null}, bad JSON (the literal
 * {@code null} and empty input included) raises {@link ContractException}.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Class<T> type;

  /** A serde for values of {@code type}. */
  public JsonSerde(Class<T> type) {
    this.type = type;
  }

  /** Serde for {@link Prediction}. */
  public static JsonSerde<Prediction> predictions() {
    return new JsonSerde<>(Prediction.class);
  }

  /** Serde for {@link ActionEvent}. */
  public static JsonSerde<ActionEvent> events() {
    return new JsonSerde<>(ActionEvent.class);
  }

  /** The shared mapper, for tools that print records. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  @Override
  public byte[] serialize(String topic, T value) {
    if (value == null) {
      return null;
    }
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new ContractException("cannot encode " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    T value;
    try {
      value = MAPPER.readValue(data, type);
    } catch (IOException | RuntimeException e) {
      throw new ContractException(
          "not a valid " + type.getSimpleName() + " JSON: " + e.getMessage());
    }
    if (value == null) {
      // only a null record value stands for "no value"; the JSON literal null is not a record
      throw new ContractException("not a valid " + type.getSimpleName() + " JSON: null");
    }
    return value;
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
