package io.oad.deploy;

import io.oad.contract.ActionEvent;
import io.oad.contract.JsonSerde;
import io.oad.contract.Prediction;
import io.oad.contract.Topics;
import io.oad.deploy.ops.ConfigOptions;
import io.oad.deploy.ops.KafkaOptions;
import io.oad.deploy.ops.OadConfig;
import io.oad.service.OutputReader;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code oad watch}: prints predictions and events from the broker as they arrive, one line each.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = "Print predictions and events from Kafka, one line each (read committed).")
final class WatchCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

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

  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() {
    OadConfig oad = configOptions.load();
    OutputReader.Options options =
        (fromBeginning ? OutputReader.Options.earliest() : OutputReader.Options.latest())
            .kafka(oad.kafkaClientProperties("consumer."));
    if (eventsOnly) {
      options = options.topics(Topics.EVENTS);
    }
    OutputReader reader = OutputReader.open(kafka.bootstrap(configOptions, oad), options);
    Thread main = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  reader.stop();
                  try {
                    main.join(2000);
                  } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                  }
                }));
    reader.run(
        new OutputReader.Listener() {
          @Override
          public void prediction(Prediction prediction) {
            System.out.println(PredictionLine.format(prediction, stepSeconds));
          }

          @Override
          public void event(ActionEvent event) {
            try {
              System.out.println("EVENT " + JsonSerde.mapper().writeValueAsString(event));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
              throw new IllegalStateException(e);
            }
          }

          @Override
          public void unreadable(ConsumerRecord<String, byte[]> r, RuntimeException e) {
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
        });
    return 0;
  }
}
