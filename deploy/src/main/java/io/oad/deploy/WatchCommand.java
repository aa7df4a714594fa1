package io.oad.deploy;

import io.oad.contract.ActionEvent;
import io.oad.contract.ContractException;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code oad watch}: prints predictions and events from the broker as they arrive, one line each.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = "Print predictions and events from Kafka, one line each (read committed).")
final class WatchCommand implements Callable<Integer> {
  @Option(
      names = {"-b", "--bootstrap"},
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = "--from-beginning",
      description = "Start at the earliest records instead of new ones.")
  boolean fromBeginning;

  @Option(names = "--events-only", description = "Print only events, not every prediction.")
  boolean eventsOnly;

  @Option(
      names = "--step-seconds",
      defaultValue = "0.25",
      description = "Model step length used to print lead times (default: ${DEFAULT-VALUE}).")
  double stepSeconds;

  @Override
  public Integer call() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "oad-watch-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    JsonSerde<Prediction> predictions = JsonSerde.predictions();
    JsonSerde<ActionEvent> events = JsonSerde.events();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      Thread main = Thread.currentThread();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    consumer.wakeup();
                    try {
                      main.join(2000);
                    } catch (InterruptedException ignored) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      consumer.subscribe(
          eventsOnly ? List.of(Topics.EVENTS) : List.of(Topics.PREDICTIONS, Topics.EVENTS));
      while (true) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          try {
            if (r.topic().equals(Topics.PREDICTIONS)) {
              System.out.println(
                  PredictionLine.format(
                      predictions.deserialize(r.topic(), r.value()), stepSeconds));
            } else {
              System.out.println(
                  "EVENT "
                      + JsonSerde.mapper()
                          .writeValueAsString(events.deserialize(r.topic(), r.value())));
            }
          } catch (ContractException | com.fasterxml.jackson.core.JsonProcessingException e) {
            System.out.println(
                "unreadable record at "
                    + r.topic()
                    + "-"
                    + r.partition()
                    + "@"
                    + r.offset()
                    + ": "
                    + e.getMessage());
          }
        }
      }
    } catch (WakeupException stopping) {
      return 0;
    }
  }
}
