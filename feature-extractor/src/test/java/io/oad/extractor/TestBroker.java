package io.oad.extractor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft broker in this JVM for tests (the launcher's own broker lives in the deploy
 * module, which this module must not depend on). It keeps its ports and data folder across {@link
 * #stop()} and {@link #start()}, so a test can restart it under running clients.
 */
final class TestBroker implements AutoCloseable {
  private final Path dataDir;
  private final int port = freePort();
  private final int controllerPort = freePort();
  private KafkaRaftServer server;

  TestBroker(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath();
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Formats the storage on the first start, then starts the broker. */
  synchronized TestBroker start() {
    if (server != null) {
      return this;
    }
    try {
      Files.createDirectories(dataDir);
      Path propsFile = dataDir.resolve("server.properties");
      Properties props = properties();
      try (OutputStream out = Files.newOutputStream(propsFile)) {
        props.store(out, "test broker");
      }
      if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
        int rc =
            kafka.tools.StorageTool.execute(
                new String[] {
                  "format", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString()
                },
                new PrintStream(OutputStream.nullOutputStream()));
        if (rc != 0) {
          throw new IllegalStateException("formatting the test broker's storage failed: " + rc);
        }
      }
      server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Shuts the broker down; its data stays for the next {@link #start()}. */
  synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  void createTopics(int partitions, List<String> names) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      admin
          .createTopics(names.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList())
          .all()
          .get();
    }
  }

  private Properties properties() {
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
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "2");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "2");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    return p;
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
