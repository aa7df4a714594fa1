package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

/** Kafka metrics (real {@link Metrics} sensors and a real Streams client) as Prometheus series. */
class KafkaStreamsMetricsTest {
  private static final Map<String, String> THREAD = Map.of("thread-id", "app-StreamThread-1");

  @Test
  void shouldMapGroupNameAndTagsToPrometheusNamesAndLabels() {
    MetricName rate = new MetricName("process-rate", "stream-thread-metrics", "records/s", THREAD);
    assertEquals(
        "kafka_streams_stream_thread_process_rate", KafkaStreamsMetrics.prometheusName(rate));
    assertFalse(KafkaStreamsMetrics.isCounter(rate));
    assertEquals(Labels.of("thread_id", "app-StreamThread-1"), KafkaStreamsMetrics.labels(rate));

    MetricName total = new MetricName("process-total", "stream-thread-metrics", "", THREAD);
    assertTrue(KafkaStreamsMetrics.isCounter(total));
    assertEquals("kafka_streams_stream_thread_process", KafkaStreamsMetrics.prometheusName(total));

    MetricName odd =
        new MetricName(
            "Records.Lag--Max", "consumer-fetch-manager-metrics", "", Map.of("client.id", "c"));
    assertEquals(
        "kafka_streams_consumer_fetch_manager_records_lag_max",
        KafkaStreamsMetrics.prometheusName(odd));
    assertEquals(Labels.of("client_id", "c"), KafkaStreamsMetrics.labels(odd));

    MetricName reserved = new MetricName("app-info", "stream-metrics", "", Map.of());
    assertEquals(
        "kafka_streams_stream_app_info_value", KafkaStreamsMetrics.prometheusName(reserved));
    assertEquals("m9_lives", KafkaStreamsMetrics.sanitize("9-lives"));

    MetricName clash = new MetricName("x", "g", "", Map.of("client-id", "a", "client.id", "b"));
    assertThrows(IllegalArgumentException.class, () -> KafkaStreamsMetrics.labels(clash));
  }

  @Test
  void shouldExportNumericMetricsAsGaugesAndCountersAndSkipTheRest() throws IOException {
    try (Metrics metrics = new Metrics()) {
      Sensor process = metrics.sensor("process");
      process.add(
          metrics.metricName("process-total", "stream-thread-metrics", "records processed", THREAD),
          new CumulativeCount());
      Sensor latency = metrics.sensor("latency");
      latency.add(
          metrics.metricName(
              "commit-latency-max", "stream-thread-metrics", "slowest commit ms", THREAD),
          new Max());
      latency.add(
          metrics.metricName("last-commit", "stream-thread-metrics", "", THREAD), new Value());
      // never recorded: Kafka reports NaN, which is skipped
      metrics
          .sensor("idle")
          .add(metrics.metricName("idle-max", "stream-thread-metrics", "", THREAD), new Max());
      metrics.addMetric(
          metrics.metricName("version", "stream-metrics", "", Map.of()),
          (Gauge<String>) (config, now) -> "4.4.0");
      process.record();
      process.record();
      process.record();
      latency.record(12.0);
      latency.record(7.0);

      PrometheusRegistry registry = new PrometheusRegistry();
      new KafkaStreamsMetrics(onlyStreamGroups(metrics.metrics())).register(registry);
      assertEquals(
          """
          # HELP kafka_streams_stream_thread_commit_latency_max slowest commit ms (Kafka metric stream-thread-metrics / commit-latency-max)
          # TYPE kafka_streams_stream_thread_commit_latency_max gauge
          kafka_streams_stream_thread_commit_latency_max{thread_id="app-StreamThread-1"} 12.0
          # HELP kafka_streams_stream_thread_last_commit (Kafka metric stream-thread-metrics / last-commit)
          # TYPE kafka_streams_stream_thread_last_commit gauge
          kafka_streams_stream_thread_last_commit{thread_id="app-StreamThread-1"} 7.0
          # HELP kafka_streams_stream_thread_process_total records processed (Kafka metric stream-thread-metrics / process-total)
          # TYPE kafka_streams_stream_thread_process_total counter
          kafka_streams_stream_thread_process_total{thread_id="app-StreamThread-1"} 3.0
          # HELP oad_kafka_streams_bridge_dropped_series Kafka Streams metrics left out of the last scrape (series cap or name clash)
          # TYPE oad_kafka_streams_bridge_dropped_series gauge
          oad_kafka_streams_bridge_dropped_series 0.0
          """,
          scrape(registry));
    }
  }

  @Test
  void shouldCapTheSeriesPerScrapeAndReportWhatItLeftOut() throws IOException {
    try (Metrics metrics = new Metrics()) {
      for (int t = 0; t < 10; t++) {
        Sensor s = metrics.sensor("s" + t);
        s.add(
            metrics.metricName(
                "poll-rate", "stream-thread-metrics", "", Map.of("thread-id", "t-" + t)),
            new Rate());
        s.record();
      }
      PrometheusRegistry registry = new PrometheusRegistry();
      new KafkaStreamsMetrics(onlyStreamGroups(metrics.metrics()), 4).register(registry);
      String text = scrape(registry);
      assertEquals(4, count(text, "(?m)^kafka_streams_stream_thread_poll_rate\\{"), text);
      assertTrue(text.contains("oad_kafka_streams_bridge_dropped_series 6.0"), text);
    }
  }

  @Test
  void shouldBridgeTheMetricsOfARealStreamsClient() throws IOException {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(v -> v.toUpperCase(java.util.Locale.ROOT))
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bridge-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      TestInputTopic<String, String> in =
          driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
      for (int i = 0; i < 5; i++) {
        in.pipeInput("k", "v" + i);
      }
      PrometheusRegistry registry = new PrometheusRegistry();
      new KafkaStreamsMetrics(driver::metrics).register(registry);
      String text = scrape(registry);
      Matcher m =
          Pattern.compile(
                  "(?m)^kafka_streams_stream_topic_records_consumed_total\\{.*topic=\"in\"\\} (\\S+)$")
              .matcher(text);
      assertTrue(m.find(), text);
      assertEquals(5.0, Double.parseDouble(m.group(1)), text);
      assertFalse(text.contains("NaN"), "NaN values are skipped");
      assertTrue(text.contains("kafka_streams_stream_thread_task_closed_rate{"), text);
    }
  }

  /** The metrics without Kafka's own bookkeeping count, which every {@link Metrics} registers. */
  private static java.util.function.Supplier<Map<MetricName, Metric>> onlyStreamGroups(
      Map<MetricName, ? extends Metric> all) {
    return () -> {
      Map<MetricName, Metric> out = new LinkedHashMap<>();
      all.forEach(
          (k, v) -> {
            if (k.group().startsWith("stream")) {
              out.put(k, v);
            }
          });
      return out;
    };
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static String scrape(PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.builder()
        .setIncludeCreatedTimestamps(false)
        .build()
        .write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    return out.toString(StandardCharsets.UTF_8);
  }
}
