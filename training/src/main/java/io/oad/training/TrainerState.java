package io.oad.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.oad.detector.OadtrConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The small JSON written next to the epoch archives ({@value #FILE}) so a run can resume: how many
 * epochs are done, how many optimizer steps were made, the model trained, and the epoch history.
 * Adam's moment estimates are NOT saved: a resumed run restarts them (and Adam's bias correction)
 * from zero, with the weights of the last finished epoch.
 *
 * @param epochsDone finished epochs
 * @param optimizerSteps optimizer updates so far
 * @param model configuration of the trained model
 * @param history one entry per finished epoch
 */
public record TrainerState(
    int epochsDone, long optimizerSteps, OadtrConfig model, List<EpochStats> history) {
  /** File name inside the output folder. */
  public static final String FILE = "trainer-state.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Validates and copies. */
  public TrainerState {
    if (epochsDone < 0 || optimizerSteps < 0) {
      throw new IllegalArgumentException("epochsDone and optimizerSteps must be >= 0");
    }
    history = List.copyOf(history);
    if (history.size() != epochsDone) {
      throw new IllegalArgumentException(
          epochsDone + " epochs done but " + history.size() + " history entries");
    }
  }

  /** The state in {@code outDir}, if a run saved one. */
  public static Optional<TrainerState> read(Path outDir) {
    Path file = outDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), TrainerState.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trainer state " + file, e);
    }
  }

  /** Writes the state atomically (temp file, then move), so a crash never leaves half a file. */
  public void write(Path outDir) {
    Path file = outDir.resolve(FILE);
    Path tmp = outDir.resolve(FILE + ".tmp");
    try {
      Files.createDirectories(outDir);
      JSON.writeValue(tmp.toFile(), this);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trainer state " + file, e);
    }
  }
}
