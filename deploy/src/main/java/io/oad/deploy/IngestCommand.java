package io.oad.deploy;

import io.oad.deploy.ops.ConfigOptions;
import io.oad.deploy.ops.OadConfig;
import io.oad.ingest.IngestException;
import io.oad.ingest.IngestMetrics;
import io.oad.ingest.IngestOptions;
import io.oad.ingest.IngestResult;
import io.oad.ingest.VideoIngestor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code oad ingest}: reads one camera's video (files played back to back, or a stream URL) into
 * {@code oad.frames}.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Read video (files or rtsp/http URLs) for one camera, sample it, encode JPEG, publish to oad.frames.")
final class IngestCommand implements Callable<Integer> {
  @Parameters(
      arity = "1..*",
      paramLabel = "FILE|URL",
      description = "Sources, played back to back as one camera.")
  List<String> sources;

  @Option(
      names = {"-b", "--bootstrap"},
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = {"-c", "--camera"},
      required = true,
      description = "Camera id (the record key).")
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

  @Option(names = "--no-progress", description = "Do not draw a progress bar.")
  boolean noProgress;

  @Option(
      names = "--metrics-port",
      defaultValue = "-1",
      description = "Serve /metrics on this port; -1 = off (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() {
    String[] wh = size.toLowerCase(Locale.ROOT).split("x");
    if (wh.length != 2) {
      throw new IllegalArgumentException("--size must look like 160x120, got '" + size + "'");
    }
    IngestOptions options =
        IngestOptions.builder()
            .setCameraId(camera)
            .setSources(sources)
            .optTargetFps(fps)
            .optSize(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]))
            .optRealtime(realtime)
            .optLoop(loop)
            .optShowProgress(!noProgress)
            .build();
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestMetrics metrics = new IngestMetrics().register(registry);
    OadConfig oad = configOptions.load();
    Properties producerProps =
        VideoIngestor.producerProperties(
            configOptions.pick("--bootstrap", bootstrap, oad.bootstrapServers()));
    producerProps.putAll(oad.kafkaClientProperties("producer."));
    int port = configOptions.pick("--metrics-port", metricsPort, oad.metricsPort());
    try (MetricsServer server = MetricsServer.start(registry, "0.0.0.0", port);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps)) {
      VideoIngestor ingestor = new VideoIngestor(options, metrics);
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
}
