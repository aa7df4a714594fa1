package io.oad.detector.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oad.detector.OadtrConfig;
import io.oad.detector.OadtrVariant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Translates between {@link OadtrConfig} and the official code's argument names as saved in a
 * CONFIG.json ({@code enc_layers} is the window length, {@code hidden_dim} the encoder FFN width,
 * {@code decoder_embedding_dim_out} the decoder FFN width).
 */
public final class OfficialConfig {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final float DEFAULT_DROPOUT = 0.1f;

  private OfficialConfig() {}

  /** Reads an official CONFIG.json. */
  public static OadtrConfig read(Path file) {
    try {
      return fromJson(JSON.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read official config " + file, e);
    }
  }

  /** Converts the official fields; the decoder width must equal the encoder width. */
  public static OadtrConfig fromJson(JsonNode json) {
    int embedding = required(json, "embedding_dim");
    int decoderEmbedding =
        json.has("decoder_embedding_dim") ? required(json, "decoder_embedding_dim") : embedding;
    if (decoderEmbedding != embedding) {
      throw new IllegalArgumentException(
          "decoder_embedding_dim "
              + decoderEmbedding
              + " differs from embedding_dim "
              + embedding
              + "; the official cross-attention needs them equal");
    }
    float dropout =
        json.has("dropout_rate") ? (float) json.get("dropout_rate").asDouble() : DEFAULT_DROPOUT;
    return new OadtrConfig(
        required(json, "dim_feature"),
        required(json, "enc_layers"),
        embedding,
        required(json, "num_layers"),
        required(json, "num_heads"),
        required(json, "hidden_dim"),
        required(json, "decoder_layers"),
        required(json, "decoder_num_heads"),
        required(json, "decoder_embedding_dim_out"),
        required(json, "query_num"),
        required(json, "numclass"),
        dropout);
  }

  /** The official fields of {@code config}. */
  public static ObjectNode toJson(OadtrConfig config) {
    if (config.variant() != OadtrVariant.FULL) {
      throw new IllegalArgumentException(
          "the official OadTR code has no "
              + config.variant().label()
              + " variant: its forward pass would compute another function with these weights");
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("enc_layers", config.window());
    n.put("dim_feature", config.featureDim());
    n.put("embedding_dim", config.dModel());
    n.put("num_heads", config.encoderHeads());
    n.put("num_layers", config.encoderLayers());
    n.put("hidden_dim", config.encoderFfn());
    n.put("decoder_embedding_dim", config.dModel());
    n.put("decoder_embedding_dim_out", config.decoderFfn());
    n.put("decoder_num_heads", config.decoderHeads());
    n.put("decoder_layers", config.decoderLayers());
    n.put("query_num", config.futureSteps());
    n.put("numclass", config.numClasses());
    n.put("dropout_rate", config.dropout());
    return n;
  }

  private static int required(JsonNode json, String field) {
    JsonNode v = json.get(field);
    if (v == null || !v.canConvertToInt()) {
      throw new IllegalArgumentException("official config lacks integer field '" + field + "'");
    }
    return v.asInt();
  }
}
