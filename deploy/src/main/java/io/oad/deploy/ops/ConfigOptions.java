package io.oad.deploy.ops;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --config FILE} option shared by the roles (a picocli mixin), and the rule that merges
 * it with the command line: an option given on the command line wins over the configuration ({@code
 * OAD_*} environment, then the file), which wins over the option's default.
 */
public final class ConfigOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Configuration properties file (default: "
              + OadConfig.DEFAULT_FILE
              + " in the working folder, if present). OAD_* environment variables override it,"
              + " options given on the command line override both; `oad config` shows the result.")
  Path file;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  private final Supplier<Map<String, String>> env;

  /** Reads the process environment. */
  public ConfigOptions() {
    this(System::getenv);
  }

  /** Reads the given environment (tests). */
  public ConfigOptions(Supplier<Map<String, String>> env) {
    this.env = env;
  }

  /** Loads the effective configuration; throws a ConfigException that names a bad key. */
  public OadConfig load() {
    return OadConfig.load(file, env.get());
  }

  /** Whether {@code optionName} was given on the command line (not just defaulted). */
  public boolean given(String optionName) {
    return mixee != null
        && mixee.commandLine() != null
        && mixee.commandLine().getParseResult() != null
        && mixee.commandLine().getParseResult().hasMatchedOption(optionName);
  }

  /**
   * The value of an option: {@code optionValue} if the option was given on the command line, else
   * {@code configValue} if the configuration sets it, else {@code optionValue} (its default).
   */
  public <T> T pick(String optionName, T optionValue, T configValue) {
    if (given(optionName) || configValue == null) {
      return optionValue;
    }
    return configValue;
  }
}
