package io.oad.service;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker + controller) running inside this JVM, for the
 * demo, the {@code oad broker} command and integration tests. Its data lives in a folder of the
 * caller's choice and survives restarts: the storage is formatted only when {@code meta.properties}
 * does not exist yet.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;

  /**
   * @param dataDir folder for the log segments and metadata (created if missing)
   * @param port client port on 127.0.0.1, or 0 for a free one
   */
  public EmbeddedKafka(Path dataDir, int port) {
    this.dataDir = dataDir.toAbsolutePath();
    this.port = port == 0 ? freePort() : port;
    this.controllerPort = freePort();
  }

  /** Formats the storage if needed and starts the broker; returns this. */
  public synchronized EmbeddedKafka start() {
    if (server != null) {
      return this;
    }
    try {
      Files.createDirectories(dataDir);
      Path propsFile = dataDir.resolve("server.properties");
      Properties props = serverProperties();
      try (OutputStream out = Files.newOutputStream(propsFile)) {
        props.store(out, "written by oad; edit with care, rewritten at every start");
      }
      Path logs = dataDir.resolve("logs");
      if (!Files.exists(logs.resolve("meta.properties"))) {
        int rc =
            kafka.tools.StorageTool.execute(
                new String[] {
                  "format", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString()
                },
                new PrintStream(OutputStream.nullOutputStream()));
        if (rc != 0) {
          throw new IllegalStateException(
              "formatting Kafka storage in " + logs + " failed with code " + rc);
        }
      }
      server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      LOG.info("Kafka broker listening on {} with data in {}", bootstrapServers(), dataDir);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data folder " + dataDir, e);
    }
  }

  private Properties serverProperties() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toString());
    p.put("num.partitions", "4");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    p.put("log.retention.hours", "24");
    return p;
  }

  /** {@code host:port} for clients. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The data folder. */
  public Path dataDir() {
    return dataDir;
  }

  /** Creates the topics that do not exist yet, with replication factor 1. */
  public void createTopics(int partitions, List<String> names) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (String name : names) {
        if (!existing.contains(name)) {
          missing.add(new NewTopic(name, partitions, (short) 1));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
        LOG.info(
            "created topics {}",
            missing.stream().map(NewTopic::name).collect(Collectors.joining(", ")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics: " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
