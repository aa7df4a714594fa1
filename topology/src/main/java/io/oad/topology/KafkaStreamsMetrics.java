package io.oad.topology;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Bridges the Kafka Streams client's own metrics ({@code KafkaStreams.metrics()}: client, stream
 * threads, tasks, processor nodes, state stores and the embedded consumers, producers and admin
 * client) into a Prometheus registry. The Kafka metrics are read on every scrape, so nothing is
 * cached and metrics of threads or tasks that went away disappear with them.
 *
 * <p>Mapping: {@code kafka_streams_<group>_<name>} where {@code <group>} is the Kafka metric group
 * without its {@code -metrics} suffix, both sanitised to {@code [a-z0-9_]} ({@code
 * stream-thread-metrics / process-rate} becomes {@code kafka_streams_stream_thread_process_rate});
 * the metric's tags become labels ({@code thread-id} becomes {@code thread_id}). Names ending in
 * {@code -total} (Kafka's cumulative sums and counts) are counters, everything else gauges.
 * Non-numeric metrics (the version, the topology description), NaN and infinite values (Kafka's "no
 * sample yet") are skipped. At most {@link #DEFAULT_MAX_SERIES} series are exported per scrape,
 * Kafka Streams' own groups first; {@value #DROPPED_SERIES} reports how many were left out.
 */
public final class KafkaStreamsMetrics implements MultiCollector {
  /** Prefix of every bridged metric. */
  public static final String PREFIX = "kafka_streams_";

  /** Gauge: series left out of the last scrape by the series cap or a name collision. */
  public static final String DROPPED_SERIES = "oad_kafka_streams_bridge_dropped_series";

  /** Default cap on the series exported per scrape. */
  public static final int DEFAULT_MAX_SERIES = 2000;

  private static final String TOTAL = "_total";

  /** Suffixes client_java reserves; a gauge whose name ends so gets {@code _value} appended. */
  private static final List<String> RESERVED = List.of("_created", "_bucket", "_info");

  private final Supplier<? extends Map<MetricName, ? extends Metric>> source;
  private final int maxSeries;

  /**
   * @param source the metrics to bridge, e.g. {@code app.streams()::metrics}; called on every
   *     scrape
   */
  public KafkaStreamsMetrics(Supplier<? extends Map<MetricName, ? extends Metric>> source) {
    this(source, DEFAULT_MAX_SERIES);
  }

  /**
   * @param source the metrics to bridge; called on every scrape
   * @param maxSeries the most series exported per scrape (at least 1)
   */
  public KafkaStreamsMetrics(
      Supplier<? extends Map<MetricName, ? extends Metric>> source, int maxSeries) {
    this.source = Objects.requireNonNull(source, "source");
    if (maxSeries < 1) {
      throw new IllegalArgumentException("maxSeries must be >= 1, got " + maxSeries);
    }
    this.maxSeries = maxSeries;
  }

  /** Registers the bridge; returns it for chaining. */
  public KafkaStreamsMetrics register(PrometheusRegistry registry) {
    registry.register(this);
    return this;
  }

  /**
   * The Prometheus name of a Kafka metric, without the {@code _total} a counter's samples carry in
   * the exposition (so {@code process-total} maps to the counter {@code ..._process}).
   */
  public static String prometheusName(MetricName name) {
    String full = fullName(name);
    if (full.endsWith(TOTAL)) {
      return full.substring(0, full.length() - TOTAL.length());
    }
    for (String r : RESERVED) {
      if (full.endsWith(r)) {
        return full + "_value";
      }
    }
    return full;
  }

  /** True if the Kafka metric is exported as a counter (its name ends in {@code -total}). */
  public static boolean isCounter(MetricName name) {
    return fullName(name).endsWith(TOTAL);
  }

  /**
   * The labels of a Kafka metric: its tags, names sanitised.
   *
   * @throws IllegalArgumentException if two tags sanitise to the same label name
   */
  public static Labels labels(MetricName name) {
    Map<String, String> tags = new TreeMap<>();
    name.tags()
        .forEach(
            (k, v) -> {
              if (tags.put(sanitize(k), v == null ? "" : v) != null) {
                throw new IllegalArgumentException("two tags map to label " + sanitize(k));
              }
            });
    return Labels.of(new ArrayList<>(tags.keySet()), new ArrayList<>(tags.values()));
  }

  private static String fullName(MetricName name) {
    String group = name.group();
    if (group.endsWith("-metrics")) {
      group = group.substring(0, group.length() - "-metrics".length());
    }
    return PREFIX + sanitize(group) + "_" + sanitize(name.name());
  }

  /** Lower case, every character outside {@code [a-z0-9_]} replaced by one underscore. */
  static String sanitize(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (ok) {
        b.append(c);
      } else if (b.length() > 0 && b.charAt(b.length() - 1) != '_') {
        b.append('_');
      }
    }
    while (b.length() > 0 && b.charAt(b.length() - 1) == '_') {
      b.setLength(b.length() - 1);
    }
    if (b.length() == 0 || Character.isDigit(b.charAt(0))) {
      b.insert(0, 'm');
    }
    return b.toString();
  }

  @Override
  public MetricSnapshots collect() {
    Map<MetricName, ? extends Metric> metrics;
    try {
      metrics = source.get();
    } catch (RuntimeException e) {
      metrics = Map.of(); // a closed client: nothing to bridge
    }
    List<Map.Entry<MetricName, ? extends Metric>> entries = new ArrayList<>(metrics.entrySet());
    entries.sort(Comparator.comparing(e -> sortKey(e.getKey())));
    Map<String, Family> families = new LinkedHashMap<>();
    int series = 0;
    int dropped = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : entries) {
      double value = numericValue(e.getValue());
      if (Double.isNaN(value)) {
        continue;
      }
      MetricName kafkaName = e.getKey();
      boolean counter = isCounter(kafkaName);
      if (counter && value < 0) {
        continue;
      }
      Labels labels;
      try {
        labels = labels(kafkaName);
      } catch (IllegalArgumentException clash) {
        dropped++; // two tags that sanitise to the same label name
        continue;
      }
      String name = prometheusName(kafkaName);
      Family f = families.computeIfAbsent(name, n -> new Family(n, counter, kafkaName));
      if (f.counter != counter || !f.labelSets.add(labels)) {
        dropped++; // a gauge and a counter, or two metrics, with one Prometheus name and labels
        continue;
      }
      if (series >= maxSeries) {
        dropped++;
        continue;
      }
      series++;
      f.points.put(labels, value);
    }
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    for (Family f : families.values()) {
      if (!f.points.isEmpty()) {
        out.metricSnapshot(f.snapshot());
      }
    }
    out.metricSnapshot(
        GaugeSnapshot.builder()
            .name(DROPPED_SERIES)
            .help("Kafka Streams metrics left out of the last scrape (series cap or name clash)")
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(dropped).build())
            .build());
    return out.build();
  }

  /** Kafka Streams' own groups first, so that the series cap cuts the embedded clients' metrics. */
  private static String sortKey(MetricName n) {
    return (n.group().startsWith("stream") ? "0" : "1")
        + n.group()
        + '\u0000'
        + n.name()
        + '\u0000'
        + new TreeMap<>(n.tags());
  }

  /** The metric's value as a finite double, or NaN when it is not numeric or not finite. */
  private static double numericValue(Metric m) {
    Object v;
    try {
      v = m.metricValue();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? d : Double.NaN;
    }
    return Double.NaN;
  }

  /** One Prometheus metric family being assembled. */
  private static final class Family {
    final String name;
    final boolean counter;
    final String help;
    final Set<Labels> labelSets = new HashSet<>();
    final Map<Labels, Double> points = new LinkedHashMap<>();

    Family(String name, boolean counter, MetricName first) {
      this.name = name;
      this.counter = counter;
      String d = first.description();
      this.help =
          (d == null || d.isBlank() ? "" : d.strip() + " ")
              + "(Kafka metric "
              + first.group()
              + " / "
              + first.name()
              + ")";
    }

    MetricSnapshot snapshot() {
      if (counter) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        points.forEach(
            (l, v) ->
                b.dataPoint(
                    CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v).build()));
        return b.build();
      }
      GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
      points.forEach(
          (l, v) ->
              b.dataPoint(
                  GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(v).build()));
      return b.build();
    }
  }
}
