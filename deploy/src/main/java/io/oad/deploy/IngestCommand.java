package io.oad.deploy;

import io.oad.deploy.ops.ConfigOptions;
import io.oad.deploy.ops.HttpOptions;
import io.oad.deploy.ops.KafkaOptions;
import io.oad.deploy.ops.OadConfig;
import io.oad.ingest.CameraFile;
import io.oad.ingest.CameraSupervisor;
import io.oad.ingest.ConnectionEvents;
import io.oad.ingest.ConnectionListener;
import io.oad.ingest.IngestException;
import io.oad.ingest.IngestMetrics;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.oad.service.MetricsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code oad ingest}: reads one camera's video (files played back to back, or a stream URL) into
 * {@code oad.frames}; or, with {@code --cameras FILE}, every camera of a watched camera file, each
 * on its own thread, reconnecting streams forever and picking up changes to the file while running.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Read video (files or rtsp/http URLs) for one camera, or for every camera of a watched"
            + " camera file (--cameras), sample it, encode JPEG, publish to oad.frames.")
final class IngestCommand implements Callable<Integer> {
  @Parameters(
      arity = "0..*",
      paramLabel = "FILE|URL",
      description = "Sources, played back to back as one camera (not with --cameras).")
  List<String> sources;

  @Option(
      names = "--cameras",
      paramLabel = "FILE",
      description =
          "Camera file (camera.<id>.url / .fps / .size / .loop / .realtime = ..., or the same"
              + " under 'cameras:' in a .yaml/.yml file): one thread per"
              + " camera, the file re-read every second and changes applied while running;"
              + " streams reconnect forever; offline/online reported on oad.events.")
  Path cameras;

  @Mixin KafkaOptions kafka;

  @Option(
      names = {"-c", "--camera"},
      description = "Camera id (the record key); required unless --cameras.")
  String camera;

  @Option(
      names = "--fps",
      defaultValue = "4",
      description =
          "Sampling rate in frames per second of capture time (default: ${DEFAULT-VALUE}).")
  double fps;

  @Option(
      names = "--size",
      defaultValue = "160x120",
      description = "Resize to WxH; 0x0 keeps the source size (default: ${DEFAULT-VALUE}).")
  String size;

  @Option(
      names = "--realtime",
      description = "Pace files at capture speed (streams are always live).")
  boolean realtime;

  @Option(names = "--loop", description = "Repeat the files forever.")
  boolean loop;

  @Option(
      names = "--stall-timeout-ms",
      defaultValue = "5000",
      description =
          "A stream that delivers no data for this long is closed and reopened"
              + " (default: ${DEFAULT-VALUE}).")
  int stallTimeoutMs;

  @Option(
      names = "--reconnect-max-ms",
      defaultValue = "30000",
      description =
          "Longest reconnect delay; delays start at 500 ms and double, with jitter"
              + " (default: ${DEFAULT-VALUE}).")
  long reconnectMaxMs;

  @Option(
      names = "--no-connection-events",
      description =
          "Do not publish CAMERA_OFFLINE/ONLINE to oad.events when a stream is lost or back.")
  boolean noConnectionEvents;

  @Option(names = "--no-progress", description = "Do not draw a progress bar.")
  boolean noProgress;

  @Option(
      names = "--metrics-port",
      defaultValue = "-1",
      description = "Serve /metrics on this port; -1 = off (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Mixin HttpOptions http;

  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() throws IOException, InterruptedException {
    String[] wh = size.toLowerCase(Locale.ROOT).split("x");
    if (wh.length != 2) {
      throw new IllegalArgumentException("--size must look like 160x120, got '" + size + "'");
    }
    int width = Integer.parseInt(wh[0]);
    int height = Integer.parseInt(wh[1]);
    if (cameras != null) {
      if (camera != null || (sources != null && !sources.isEmpty())) {
        throw new IllegalArgumentException(
            "--cameras FILE replaces -c and the sources: give one or the other");
      }
      return runCameras(width, height);
    }
    if (camera == null || sources == null || sources.isEmpty()) {
      throw new IllegalArgumentException(
          "give -c CAMERA and at least one FILE|URL, or --cameras FILE");
    }
    IngestOptions options =
        IngestOptions.builder()
            .setCameraId(camera)
            .setSources(sources)
            .optTargetFps(fps)
            .optSize(width, height)
            .optRealtime(realtime)
            .optLoop(loop)
            .optShowProgress(!noProgress)
            .optReconnect(true) // streams only: a live camera is reopened until Ctrl-C
            .optStallTimeoutMs(stallTimeoutMs)
            .optReconnectBackoff(
                Math.min(IngestOptions.DEFAULT_RECONNECT_FIRST_MS, reconnectMaxMs), reconnectMaxMs)
            .build();
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestMetrics metrics = new IngestMetrics().register(registry);
    OadConfig oad = configOptions.load();
    Properties producerProps =
        VideoIngestor.producerProperties(kafka.bootstrap(configOptions, oad));
    producerProps.putAll(oad.kafkaClientProperties("producer."));
    int port = configOptions.pick("--metrics-port", metricsPort, oad.metricsPort());
    try (MetricsServer server =
            MetricsServer.start(registry, http.bindAddress(configOptions, oad), port);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps)) {
      ConnectionListener events =
          noConnectionEvents ? ConnectionListener.none() : new ConnectionEvents(producer);
      VideoIngestor ingestor = new VideoIngestor(options, metrics, events);
      Runtime.getRuntime().addShutdownHook(new Thread(ingestor::stop));
      IngestResult r = ingestor.run(producer);
      producer.flush();
      System.out.printf(
          Locale.ROOT,
          "%s: %d frames read, %d published to oad.frames in %.1f s%n",
          r.cameraId(),
          r.framesRead(),
          r.framesPublished(),
          r.wallTime().toMillis() / 1000.0);
      return 0;
    } catch (IngestException e) {
      System.err.println("oad ingest: " + e.getMessage());
      return 1;
    }
  }

  /**
   * Runs every camera of the camera file until the process is stopped (SIGTERM / Ctrl-C). The
   * command-line --fps and --size are the defaults for cameras that do not set them; cameras are
   * paced live (files at capture speed) unless they say {@code realtime = false}.
   */
  private int runCameras(int width, int height) throws IOException, InterruptedException {
    if (!Files.isRegularFile(cameras)) {
      throw new IllegalArgumentException("camera file not found: " + cameras);
    }
    // a wrong flag or a bad camera file stops here, before Kafka is touched
    defaults(width, height).setCameraId("check").addSource("check.avi").build();
    CameraFile.read(cameras, () -> defaults(width, height));
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestMetrics metrics = new IngestMetrics().register(registry);
    OadConfig oad = configOptions.load();
    Properties producerProps =
        VideoIngestor.producerProperties(kafka.bootstrap(configOptions, oad));
    producerProps.putAll(oad.kafkaClientProperties("producer."));
    int port = configOptions.pick("--metrics-port", metricsPort, oad.metricsPort());
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                stopped.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "oad-ingest-shutdown");
    try (MetricsServer server =
            MetricsServer.start(registry, http.bindAddress(configOptions, oad), port);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps)) {
      ConnectionListener events =
          noConnectionEvents ? ConnectionListener.none() : new ConnectionEvents(producer);
      try (CameraSupervisor supervisor = new CameraSupervisor(producer, metrics, events)) {
        CameraSupervisor.Changes started =
            supervisor.watch(cameras, () -> defaults(width, height), Duration.ofSeconds(1));
        System.err.printf(
            Locale.ROOT,
            "oad ingest: %d cameras from %s %s; watching the file for changes (Ctrl-C stops)%n",
            started.added().size(),
            cameras,
            started.added());
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
      } finally {
        producer.flush();
      }
      return 0;
    } finally {
      stopped.countDown();
    }
  }

  private IngestOptions.Builder defaults(int width, int height) {
    return IngestOptions.builder()
        .optTargetFps(fps)
        .optSize(width, height)
        .optRealtime(true)
        .optReconnect(true)
        .optStallTimeoutMs(stallTimeoutMs)
        .optReconnectBackoff(
            Math.min(IngestOptions.DEFAULT_RECONNECT_FIRST_MS, reconnectMaxMs), reconnectMaxMs);
  }
}
