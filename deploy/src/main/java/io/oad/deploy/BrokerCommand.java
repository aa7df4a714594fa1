package io.oad.deploy;

import io.oad.contract.Topics;
import io.oad.service.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code oad broker}: runs the in-process KRaft broker alone, for the other roles started as
 * separate processes.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description =
        "Run a single-node Kafka broker (KRaft) in this process and create the oad topics.")
final class BrokerCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      defaultValue = "9092",
      description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data",
      defaultValue = "data/broker",
      description = "Data folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public Integer call() throws InterruptedException {
    EmbeddedKafka kafka = new EmbeddedKafka(data, port).start();
    kafka.createTopics(partitions, Topics.all());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.close();
                  stop.countDown();
                },
                "broker-shutdown"));
    System.out.println(
        "Kafka broker ready at "
            + kafka.bootstrapServers()
            + " (data in "
            + kafka.dataDir()
            + "); topics: "
            + String.join(", ", Topics.all())
            + ". Ctrl-C to stop.");
    stop.await();
    return 0;
  }
}
