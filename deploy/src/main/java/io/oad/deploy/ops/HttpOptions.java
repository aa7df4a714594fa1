package io.oad.deploy.ops;

import picocli.CommandLine.Option;

/**
 * The {@code --bind-address} option of every role that serves HTTP (a picocli mixin): where {@code
 * /metrics}, {@code /healthz}, {@code /readyz} and the live page listen. Loopback unless told
 * otherwise; merged with the key {@code metrics.bind.address} by {@link ConfigOptions}.
 */
public final class HttpOptions {
  @Option(
      names = "--bind-address",
      paramLabel = "ADDR",
      defaultValue = OadConfig.DEFAULT_METRICS_BIND_ADDRESS,
      description =
          "Address of the HTTP endpoints (default: ${DEFAULT-VALUE}, this host only; 0.0.0.0 opens"
              + " them to the network; key metrics.bind.address, env OAD_METRICS_BIND_ADDRESS).")
  String bindAddress;

  /** The bind address: the option if given, else the configuration's, else loopback. */
  public String bindAddress(ConfigOptions config, OadConfig oad) {
    return config.pick("--bind-address", bindAddress, oad.metricsBindAddress());
  }

  /** The bind address as given on the command line or defaulted (no configuration). */
  public String bindAddress() {
    return bindAddress;
  }
}
