package io.oad.deploy.ops;

import picocli.CommandLine.Option;

/**
 * The {@code --bootstrap} option of every role that talks to an external Kafka cluster (a picocli
 * mixin), merged with the configuration key {@code bootstrap.servers} by {@link ConfigOptions}.
 */
public final class KafkaOptions {
  @Option(
      names = {"-b", "--bootstrap"},
      defaultValue = OadConfig.DEFAULT_BOOTSTRAP_SERVERS,
      paramLabel = "HOST:PORT,...",
      description =
          "Kafka bootstrap servers (default: ${DEFAULT-VALUE}; key bootstrap.servers, env"
              + " OAD_BOOTSTRAP_SERVERS).")
  String bootstrap;

  /**
   * The bootstrap servers: the option if given on the command line, else the configuration's, else
   * the default.
   */
  public String bootstrap(ConfigOptions config, OadConfig oad) {
    return config.pick("--bootstrap", bootstrap, oad.bootstrapServers());
  }

  /** The bootstrap servers as given on the command line or defaulted (no configuration file). */
  public String bootstrap() {
    return bootstrap;
  }
}
