package io.oad.service.alert;

import io.oad.contract.ActionEvent;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the {@code alert} role forwards and how.
 *
 * @param webhook where events are POSTed (http or https)
 * @param authorization value of the {@code Authorization} header, or {@code null}
 * @param groupId the role's consumer group on {@code oad.events}
 * @param types event types forwarded; others are committed and skipped
 * @param maxAttempts delivery attempts of one event before it is dead-lettered
 * @param rateLimitMs at most one alert per camera, type and action within this much event time; 0 =
 *     off
 * @param backoffInitial delay after the first failed attempt
 * @param backoffMax largest delay between attempts (before honouring Retry-After)
 * @param requestTimeout time allowed for one POST (connect and answer)
 */
public record AlertSettings(
    URI webhook,
    String authorization,
    String groupId,
    Set<ActionEvent.Type> types,
    int maxAttempts,
    long rateLimitMs,
    Duration backoffInitial,
    Duration backoffMax,
    Duration requestTimeout) {
  public static final String DEFAULT_GROUP_ID = "oad-alert";
  public static final Set<ActionEvent.Type> DEFAULT_TYPES =
      Set.copyOf(
          EnumSet.of(
              ActionEvent.Type.ACTION_STARTED,
              ActionEvent.Type.ACTION_ANTICIPATED,
              ActionEvent.Type.CAMERA_OFFLINE));
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final long DEFAULT_RATE_LIMIT_MS = 60_000;
  public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Validates the settings; a message names what is wrong. */
  public AlertSettings {
    Objects.requireNonNull(webhook, "webhook");
    checkWebhook(webhook);
    if (authorization != null && authorization.isBlank()) {
      authorization = null;
    }
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("alert group id must not be empty");
    }
    types = Set.copyOf(types);
    if (types.isEmpty()) {
      throw new IllegalArgumentException("alert types must name at least one event type");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("alert max attempts must be >= 1, got " + maxAttempts);
    }
    if (rateLimitMs < 0) {
      throw new IllegalArgumentException("alert rate limit must be >= 0 ms, got " + rateLimitMs);
    }
    new Backoff(backoffInitial, backoffMax, ThreadLocalRandom.current());
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("alert request timeout must be positive");
    }
  }

  /** The defaults for {@code webhook}. */
  public static AlertSettings of(URI webhook) {
    return new AlertSettings(
        webhook,
        null,
        DEFAULT_GROUP_ID,
        DEFAULT_TYPES,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_RATE_LIMIT_MS,
        DEFAULT_BACKOFF_INITIAL,
        DEFAULT_BACKOFF_MAX,
        DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * Parses a webhook address: an absolute http or https URL with a host.
   *
   * @throws IllegalArgumentException naming the address and what is wrong with it
   */
  public static URI parseWebhook(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("no webhook URL given");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("bad webhook URL '" + url + "': " + e.getMessage(), e);
    }
    checkWebhook(uri);
    return uri;
  }

  private static void checkWebhook(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "bad webhook URL '" + uri + "': the scheme must be http or https");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("bad webhook URL '" + uri + "': no host");
    }
  }

  /**
   * Parses a comma-separated list of event types ({@code ACTION_STARTED,CAMERA_OFFLINE}, any case).
   *
   * @throws IllegalArgumentException naming an unknown type and the known ones
   */
  public static Set<ActionEvent.Type> parseTypes(String list) {
    EnumSet<ActionEvent.Type> out = EnumSet.noneOf(ActionEvent.Type.class);
    for (String part : list.split(",")) {
      String name = part.trim().toUpperCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      try {
        out.add(ActionEvent.Type.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown event type '"
                + part.trim()
                + "'; known: "
                + java.util.Arrays.toString(ActionEvent.Type.values()),
            e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no event type in '" + list + "'");
    }
    return out;
  }

  /**
   * A webhook address fit for logs: scheme, host and port only, the rest masked (webhook paths
   * often hold the secret, as in chat incoming-webhook URLs).
   */
  public static String redact(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null) {
        return "******";
      }
      String rest =
          (uri.getRawPath() == null ? "" : uri.getRawPath())
              + (uri.getRawQuery() == null ? "" : uri.getRawQuery());
      return uri.getScheme()
          + "://"
          + uri.getHost()
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
          + (rest.isEmpty() || rest.equals("/") ? rest : "/******");
    } catch (URISyntaxException e) {
      return "******";
    }
  }

  /** The same with another authorization header value. */
  public AlertSettings withAuthorization(String value) {
    return new AlertSettings(
        webhook,
        value,
        groupId,
        types,
        maxAttempts,
        rateLimitMs,
        backoffInitial,
        backoffMax,
        requestTimeout);
  }

  /** Hides the authorization value. */
  @Override
  public String toString() {
    return "AlertSettings[webhook="
        + redact(webhook.toString())
        + ", authorization="
        + (authorization == null ? "none" : "******")
        + ", groupId="
        + groupId
        + ", types="
        + types
        + ", maxAttempts="
        + maxAttempts
        + ", rateLimitMs="
        + rateLimitMs
        + ", backoff="
        + backoffInitial
        + ".."
        + backoffMax
        + ", requestTimeout="
        + requestTimeout
        + "]";
  }
}
