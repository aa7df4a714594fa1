package io.oad.deploy;

import io.oad.deploy.ops.ConfigCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code oad} launcher: one command line for every role of the service. */
@Command(
    name = "oad",
    mixinStandardHelpOptions = true,
    version = "oad 0.1.0",
    description =
        "Online action detection on Kafka: ingest video, extract embeddings, detect actions with OadTR.",
    subcommands = {
      DemoCommand.class,
      BrokerCommand.class,
      IngestCommand.class,
      ExtractCommand.class,
      DetectCommand.class,
      AlertCommand.class,
      ImportCommand.class,
      ImportFeaturesCommand.class,
      ExportCommand.class,
      PredictCommand.class,
      DatasetCommand.class,
      io.oad.bench.BenchCommand.class,
      io.oad.deploy.BackboneTrainCommand.class,
      TrainCommand.class,
      TeachCommand.class,
      EvalCommand.class,
      WatchCommand.class,
      ConfigCommand.class,
    })
public final class OadCli {
  private OadCli() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new OadCli());
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("oad " + commandLine.getCommandName() + ": " + describe(ex));
          if (Boolean.getBoolean("oad.debug")) {
            ex.printStackTrace(commandLine.getErr());
          }
          return 2;
        });
    return cli.execute(args);
  }

  private static String describe(Throwable ex) {
    // a failure inside a worker thread arrives wrapped; the user wants the worker's own message
    while ((ex instanceof java.util.concurrent.ExecutionException
            || ex instanceof java.util.concurrent.CompletionException)
        && ex.getCause() != null) {
      ex = ex.getCause();
    }
    StringBuilder sb = new StringBuilder(String.valueOf(ex.getMessage()));
    for (Throwable c = ex.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }
}
