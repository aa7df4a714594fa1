package io.oad.service.alert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oad.contract.ActionEvent;
import io.oad.contract.JsonSerde;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Sends one event to the webhook as a JSON POST and classifies the answer. The body is the event's
 * own JSON ({@link ActionEvent}: camera, type, action, startTimeMs, endTimeMs, peakScore) plus a
 * small envelope: {@code id} (source topic/partition/offset, the same on every retry and
 * redelivery, also sent as the {@code Idempotency-Key} header so that a receiver can drop
 * duplicates), {@code start} (the start time in ISO-8601) and {@code text} (one line for a chat).
 */
public final class WebhookClient {
  /** What became of one attempt. */
  public enum Result {
    /** 2xx: delivered. */
    DELIVERED,
    /** Connection error, timeout, 5xx, 408 or 429: worth another attempt. */
    RETRY,
    /** Any other answer (3xx, 4xx): another attempt would get the same; dead-letter at once. */
    REFUSED
  }

  /**
   * One attempt's outcome.
   *
   * @param result what to do next
   * @param reason short label for metrics ({@code connection}, {@code timeout}, {@code http_5xx},
   *     {@code http_429}, {@code http_4xx}, {@code http_3xx}, {@code ok})
   * @param detail human-readable detail (status and a bit of the body, or the error)
   * @param retryAfter the receiver's Retry-After, or {@code null}
   */
  public record Outcome(Result result, String reason, String detail, Duration retryAfter) {}

  private static final int MAX_DETAIL_CHARS = 200;

  private final HttpClient http;
  private final AlertSettings settings;

  public WebhookClient(AlertSettings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.requestTimeout())
            .build();
  }

  /** The JSON body sent for {@code event}, whose source record is {@code id}. */
  public static byte[] body(ActionEvent event, String id) {
    ObjectNode node = JsonSerde.mapper().valueToTree(event);
    node.put("id", id);
    node.put("start", Instant.ofEpochMilli(event.startTimeMs()).toString());
    node.put("text", text(event));
    try {
      return JsonSerde.mapper().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode event " + event, e);
    }
  }

  /** One line for a chat: {@code cam-1: ACTION_STARTED walk (score 0.91) at 2026-...Z}. */
  static String text(ActionEvent event) {
    StringBuilder sb = new StringBuilder(event.camera()).append(": ").append(event.type());
    if (event.action() != null) {
      sb.append(' ').append(event.action());
    }
    if (event.peakScore() > 0) {
      sb.append(String.format(Locale.ROOT, " (score %.2f)", event.peakScore()));
    }
    return sb.append(" at ").append(Instant.ofEpochMilli(event.startTimeMs())).toString();
  }

  /** POSTs {@code body}; never throws for what the network or receiver does. */
  public Outcome post(byte[] body, String id) throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(settings.webhook())
            .timeout(settings.requestTimeout())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", id)
            .header("User-Agent", "oad-alert")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (settings.authorization() != null) {
      request.header("Authorization", settings.authorization());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      return new Outcome(Result.RETRY, "timeout", "timeout: " + e.getMessage(), null);
    } catch (IOException e) {
      return new Outcome(Result.RETRY, "connection", "connection error: " + e, null);
    }
    int status = response.statusCode();
    String detail = "HTTP " + status + cut(response.body());
    if (status >= 200 && status < 300) {
      return new Outcome(Result.DELIVERED, "ok", detail, null);
    }
    Duration retryAfter =
        retryAfter(response.headers().firstValue("Retry-After").orElse(null), Instant.now());
    if (status == 429) {
      return new Outcome(Result.RETRY, "http_429", detail, retryAfter);
    }
    if (status >= 500 || status == 408) {
      return new Outcome(Result.RETRY, status >= 500 ? "http_5xx" : "http_4xx", detail, retryAfter);
    }
    return new Outcome(Result.REFUSED, status >= 400 ? "http_4xx" : "http_3xx", detail, null);
  }

  /**
   * A {@code Retry-After} value: seconds or an HTTP date; {@code null} when absent or unreadable.
   */
  public static Duration retryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      // an HTTP date
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String cut(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String b = body.strip().replaceAll("\\s+", " ");
    return ": " + (b.length() > MAX_DETAIL_CHARS ? b.substring(0, MAX_DETAIL_CHARS) + "..." : b);
  }
}
