package io.oad.deploy.ops;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code oad config}: prints the effective configuration (file, {@code OAD_*} environment,
 * defaults), one {@code key=value # source} line per key, secrets masked.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description =
        "Print the effective configuration (--config file, OAD_* environment, defaults) with"
            + " secrets masked; exits 2 naming the bad key if it is invalid.")
public final class ConfigCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    OadConfig config = options.load();
    config.describe().forEach(spec.commandLine().getOut()::println);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
