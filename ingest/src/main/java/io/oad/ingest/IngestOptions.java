package io.oad.ingest;

import io.oad.contract.CameraIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What to ingest and how: one camera id fed by one or more sources played back to back.
 *
 * <p>Build with {@link #builder()}; {@code setX} are required, {@code optX} optional, and {@link
 * Builder#build()} says what is wrong. Immutable.
 *
 * @param cameraId the record key on {@code oad.frames}; must satisfy the contract's {@link
 *     CameraIds} rule
 * @param sources file paths or URLs ({@code rtsp://}, {@code http://}, {@code https://}, {@code
 *     file:}), played in order as one continuous stream
 * @param targetFps sampling rate in frames per second of capture time
 * @param width output width in pixels, 0 keeps the source width
 * @param height output height in pixels, 0 keeps the source height
 * @param jpegQuality JPEG quality 1..100
 * @param realtime pace publishing at capture rate (demos) instead of as fast as possible
 * @param startTimeMs capture time of the first frame; empty means the wall clock when the run
 *     starts
 * @param loop repeat the sources until {@link #maxFrames()} or {@link VideoIngestor#stop()}
 * @param maxFrames stop after publishing this many frames ({@link Long#MAX_VALUE} = no limit)
 * @param socketTimeoutMs network read/open timeout for stream sources
 * @param showProgress print a progress bar for files to stderr
 * @param reconnect when a stream source fails (cannot be opened, breaks off, ends or stalls),
 *     reopen it with exponential backoff and jitter until {@link VideoIngestor#stop()} instead of
 *     failing the run
 * @param stallTimeoutMs a connected stream that delivers no data for this long is stalled: FFmpeg's
 *     read gives up ({@code rw_timeout} for HTTP, {@code timeout} for RTSP) and the stream is
 *     reopened
 * @param reconnectFirstMs the first reconnect delay; doubled after every failed attempt
 * @param reconnectMaxMs the longest reconnect delay (before jitter)
 */
public record IngestOptions(
    String cameraId,
    List<String> sources,
    double targetFps,
    int width,
    int height,
    int jpegQuality,
    boolean realtime,
    OptionalLong startTimeMs,
    boolean loop,
    long maxFrames,
    int socketTimeoutMs,
    boolean showProgress,
    boolean reconnect,
    int stallTimeoutMs,
    long reconnectFirstMs,
    long reconnectMaxMs) {

  /** The model's step rate: 4 steps per second. */
  public static final double DEFAULT_TARGET_FPS = 4.0;

  /** Default output width. */
  public static final int DEFAULT_WIDTH = 160;

  /** Default output height. */
  public static final int DEFAULT_HEIGHT = 120;

  /** Default JPEG quality. */
  public static final int DEFAULT_JPEG_QUALITY = 85;

  /** Default network timeout for stream sources. */
  public static final int DEFAULT_SOCKET_TIMEOUT_MS = 10_000;

  /** Default stall timeout of stream sources. */
  public static final int DEFAULT_STALL_TIMEOUT_MS = 5_000;

  /** Default first reconnect delay. */
  public static final long DEFAULT_RECONNECT_FIRST_MS = 500;

  /** Default longest reconnect delay. */
  public static final long DEFAULT_RECONNECT_MAX_MS = 30_000;

  /** URL schemes accepted as sources; anything without {@code ://} is a file path. */
  public static final Set<String> SCHEMES = Set.of("rtsp", "rtsps", "http", "https", "file");

  private static final int MAX_DIMENSION = 8192;

  /** Validates every field; the message names the field and the rule. */
  public IngestOptions {
    if (cameraId == null || cameraId.isBlank()) {
      throw new IllegalArgumentException("cameraId is required and must not be blank");
    }
    String badId = CameraIds.violation(cameraId);
    if (badId != null) {
      throw new IllegalArgumentException("cameraId: " + badId);
    }
    Objects.requireNonNull(sources, "sources");
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("at least one source is required");
    }
    sources = List.copyOf(sources);
    sources.forEach(IngestOptions::checkSource);
    if (!(targetFps > 0) || targetFps > 1000 || Double.isInfinite(targetFps)) {
      throw new IllegalArgumentException("targetFps must be in (0, 1000], got " + targetFps);
    }
    checkDimension("width", width);
    checkDimension("height", height);
    if (jpegQuality < 1 || jpegQuality > 100) {
      throw new IllegalArgumentException("jpegQuality must be in 1..100, got " + jpegQuality);
    }
    Objects.requireNonNull(startTimeMs, "startTimeMs");
    if (startTimeMs.isPresent() && startTimeMs.getAsLong() < 0) {
      throw new IllegalArgumentException(
          "startTimeMs must be >= 0, got " + startTimeMs.getAsLong());
    }
    if (maxFrames <= 0) {
      throw new IllegalArgumentException("maxFrames must be > 0, got " + maxFrames);
    }
    if (socketTimeoutMs <= 0) {
      throw new IllegalArgumentException("socketTimeoutMs must be > 0, got " + socketTimeoutMs);
    }
    if (stallTimeoutMs <= 0) {
      throw new IllegalArgumentException("stallTimeoutMs must be > 0, got " + stallTimeoutMs);
    }
    if (reconnectFirstMs <= 0 || reconnectMaxMs < reconnectFirstMs) {
      throw new IllegalArgumentException(
          "reconnect backoff must satisfy 0 < reconnectFirstMs <= reconnectMaxMs, got "
              + reconnectFirstMs
              + " and "
              + reconnectMaxMs);
    }
  }

  /** A builder with the defaults: 4 fps, 160x120, quality 85, as fast as possible, no loop. */
  public static Builder builder() {
    return new Builder();
  }

  /** The same options reading other sources. */
  public IngestOptions withSources(List<String> newSources) {
    return new IngestOptions(
        cameraId,
        newSources,
        targetFps,
        width,
        height,
        jpegQuality,
        realtime,
        startTimeMs,
        loop,
        maxFrames,
        socketTimeoutMs,
        showProgress,
        reconnect,
        stallTimeoutMs,
        reconnectFirstMs,
        reconnectMaxMs);
  }

  /** Whether a source is a network stream (as opposed to a local file). */
  public static boolean isStream(String source) {
    String scheme = scheme(source);
    return scheme != null && !scheme.equals("file");
  }

  /** The lower-case URL scheme of a source, or {@code null} for a plain path. */
  static String scheme(String source) {
    int i = source.indexOf("://");
    if (i <= 0) {
      return source.startsWith("file:") ? "file" : null;
    }
    return source.substring(0, i).toLowerCase(Locale.ROOT);
  }

  private static void checkSource(String source) {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("a source must not be blank");
    }
    String scheme = scheme(source);
    if (scheme != null && !SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "source '" + source + "' has unsupported scheme '" + scheme + "', use one of " + SCHEMES);
    }
  }

  private static void checkDimension(String name, int value) {
    if (value < 0 || value > MAX_DIMENSION) {
      throw new IllegalArgumentException(
          name + " must be 0 (keep) or in 1.." + MAX_DIMENSION + ", got " + value);
    }
  }

  /** Builds validated {@link IngestOptions}. */
  public static final class Builder {
    private String cameraId;
    private final List<String> sources = new ArrayList<>();
    private double targetFps = DEFAULT_TARGET_FPS;
    private int width = DEFAULT_WIDTH;
    private int height = DEFAULT_HEIGHT;
    private int jpegQuality = DEFAULT_JPEG_QUALITY;
    private boolean realtime;
    private OptionalLong startTimeMs = OptionalLong.empty();
    private boolean loop;
    private long maxFrames = Long.MAX_VALUE;
    private int socketTimeoutMs = DEFAULT_SOCKET_TIMEOUT_MS;
    private boolean showProgress;
    private boolean reconnect;
    private int stallTimeoutMs = DEFAULT_STALL_TIMEOUT_MS;
    private long reconnectFirstMs = DEFAULT_RECONNECT_FIRST_MS;
    private long reconnectMaxMs = DEFAULT_RECONNECT_MAX_MS;

    private Builder() {}

    /** Required: the camera id (record key). */
    public Builder setCameraId(String cameraId) {
      this.cameraId = cameraId;
      return this;
    }

    /** Required (at least one): adds a source, played after the ones added before. */
    public Builder addSource(String source) {
      this.sources.add(source);
      return this;
    }

    /** Replaces all sources with these, played in order. */
    public Builder setSources(List<String> sources) {
      this.sources.clear();
      this.sources.addAll(sources);
      return this;
    }

    /** Sampling rate (default 4.0). */
    public Builder optTargetFps(double targetFps) {
      this.targetFps = targetFps;
      return this;
    }

    /** Output size (default 160x120); 0 keeps the source's dimension. */
    public Builder optSize(int width, int height) {
      this.width = width;
      this.height = height;
      return this;
    }

    /** JPEG quality 1..100 (default 85). */
    public Builder optJpegQuality(int jpegQuality) {
      this.jpegQuality = jpegQuality;
      return this;
    }

    /** Pace publishing at capture rate (default false: as fast as possible). */
    public Builder optRealtime(boolean realtime) {
      this.realtime = realtime;
      return this;
    }

    /** Capture time of the first frame in epoch ms (default: wall clock at run start). */
    public Builder optStartTimeMs(long startTimeMs) {
      this.startTimeMs = OptionalLong.of(startTimeMs);
      return this;
    }

    /** Repeat the sources (default false). */
    public Builder optLoop(boolean loop) {
      this.loop = loop;
      return this;
    }

    /** Stop after this many published frames (default: no limit). */
    public Builder optMaxFrames(long maxFrames) {
      this.maxFrames = maxFrames;
      return this;
    }

    /** Network timeout for stream sources (default 10 s). */
    public Builder optSocketTimeoutMs(int socketTimeoutMs) {
      this.socketTimeoutMs = socketTimeoutMs;
      return this;
    }

    /** Print a progress bar to stderr while reading files (default false). */
    public Builder optShowProgress(boolean showProgress) {
      this.showProgress = showProgress;
      return this;
    }

    /** Retry failing stream sources with backoff until stopped (default false: fail the run). */
    public Builder optReconnect(boolean reconnect) {
      this.reconnect = reconnect;
      return this;
    }

    /** A stream that delivers no data for this long is reopened (default 5 s). */
    public Builder optStallTimeoutMs(int stallTimeoutMs) {
      this.stallTimeoutMs = stallTimeoutMs;
      return this;
    }

    /**
     * Reconnect delays: the first one, doubled after each failed attempt up to the longest
     * (defaults 500 ms and 30 s); each delay is then drawn at random from its upper half.
     */
    public Builder optReconnectBackoff(long firstMs, long maxMs) {
      this.reconnectFirstMs = firstMs;
      this.reconnectMaxMs = maxMs;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public IngestOptions build() {
      return new IngestOptions(
          cameraId,
          sources,
          targetFps,
          width,
          height,
          jpegQuality,
          realtime,
          startTimeMs,
          loop,
          maxFrames,
          socketTimeoutMs,
          showProgress,
          reconnect,
          stallTimeoutMs,
          reconnectFirstMs,
          reconnectMaxMs);
    }
  }
}
