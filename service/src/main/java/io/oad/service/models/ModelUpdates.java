package io.oad.service.models;

import io.oad.detector.Detector;
import io.oad.detector.archive.ModelArchive;
import io.oad.extractor.Backbone;
import io.oad.extractor.ExtractorService;
import io.oad.extractor.FrameInput;
import io.oad.extractor.TwoStreamBackbone;
import io.oad.service.DetectorStepModel;
import io.oad.service.ExtractorRole;
import io.oad.topology.SwappableStepModel;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The two kinds of model update the service takes while it runs: a detector archive for the
 * topology's {@link SwappableStepModel} and a backbone for the {@link ExtractorService}. Each
 * installer loads the version, checks it and switches it in, or throws saying why not (the serving
 * version stays). An {@link ExtractorRole} with several workers gets one backbone instance per
 * worker, all switched in before the install returns.
 */
public final class ModelUpdates {
  /** Marker file of a detector archive folder. */
  public static final String DETECTOR_MARKER = ModelArchive.MANIFEST_FILE;

  /** Marker file of a backbone folder ({@link TwoStreamBackbone}). */
  public static final String BACKBONE_MARKER = "backbone.json";

  private static final Duration HAND_OVER_TIMEOUT = Duration.ofSeconds(60);

  private ModelUpdates() {}

  /**
   * Installs detector archives into {@code model}: loads the archive (a missing or truncated file
   * fails here), refuses a model trained on another extractor's embeddings than {@code extractorId}
   * says is serving (when both are known), then {@link SwappableStepModel#swap} checks the window,
   * the feature dimension and a smoke prediction and switches.
   *
   * @param extractorId the id of the backbone making the embeddings, or a supplier of null when
   *     unknown (a detector role on its own)
   */
  public static ModelWatcher.Installer detector(
      SwappableStepModel model, Supplier<String> extractorId) {
    return detector(model, extractorId, Duration.ZERO, null);
  }

  /**
   * As {@link #detector(SwappableStepModel, Supplier)}, with a shadow period: a version that passes
   * the checks first runs in shadow mode for {@code shadowFor} (scoring the same windows as the
   * serving version, its agreement exported by {@code metrics}), then takes over. {@link
   * Duration#ZERO} switches at once. The watcher waits during the shadow period.
   */
  public static ModelWatcher.Installer detector(
      SwappableStepModel model,
      Supplier<String> extractorId,
      Duration shadowFor,
      ModelMetrics metrics) {
    if (shadowFor.isNegative() || (!shadowFor.isZero() && metrics == null)) {
      throw new IllegalArgumentException(
          "a shadow period must be >= 0 and needs metrics: " + shadowFor);
    }
    return folder -> {
      Detector next;
      try {
        next = Detector.load(folder);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "cannot load the archive (" + DETECTOR_MARKER + " and its weights): " + e.getMessage(),
            e);
      }
      try {
        String expected = next.featureSpec().extractorId();
        String serving = extractorId.get();
        if (expected != null && serving != null && !expected.equals(serving)) {
          throw new IllegalArgumentException(
              "model "
                  + next.modelId()
                  + " was trained on embeddings of '"
                  + expected
                  + "' but the extractor serves '"
                  + serving
                  + "' (roll out the backbone first)");
        }
      } catch (RuntimeException e) {
        next.close();
        throw e;
      }
      if (shadowFor.isZero()) {
        DetectorStepModel.swap(model, next); // closes next if it refuses it
        return next.modelId();
      }
      model.startShadow( // closes next if it refuses it
          new DetectorStepModel(next),
          next,
          metrics.shadowObserver(ModelMetrics.ROLE_DETECTOR, next.modelId()));
      try {
        Thread.sleep(shadowFor.toMillis());
      } catch (InterruptedException e) {
        model.dropShadow();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("stopped during the shadow period of " + next.modelId());
      }
      model.promoteShadow();
      return next.modelId();
    };
  }

  /**
   * Installs backbone folders into {@code service}: loads the backbone, checks that it embeds a
   * grey frame into finite numbers of the serving dimension, and hands it over; returns once the
   * extractor serves it (between two batches).
   */
  public static ModelWatcher.Installer backbone(ExtractorService service) {
    return folder -> install(service, TwoStreamBackbone.load(folder));
  }

  /**
   * Installs backbone folders into every worker of {@code role}: loads the folder once per worker
   * (each worker needs its own instance), checks each as {@link #backbone(ExtractorService)} does,
   * and hands them over; returns once every worker serves the new backbone.
   */
  public static ModelWatcher.Installer backbone(ExtractorRole role) {
    return folder -> install(role, () -> TwoStreamBackbone.load(folder));
  }

  /**
   * Loads one backbone per worker of {@code role} with {@code loader}, checks each and hands them
   * over; closes them all if any is refused.
   */
  public static String install(ExtractorRole role, Supplier<? extends Backbone> loader)
      throws Exception {
    List<Backbone> next = new ArrayList<>();
    CompletableFuture<String> done;
    try {
      for (int i = 0; i < role.workers(); i++) {
        Backbone backbone = loader.get();
        next.add(backbone);
        smokeTest(backbone);
      }
      done = role.swapBackbone(next);
    } catch (RuntimeException e) {
      next.forEach(ModelUpdates::closeQuietly);
      throw e;
    }
    return await(done, next.get(0).id());
  }

  /** Checks {@code next} and hands it to {@code service}; closes it if refused. */
  public static String install(ExtractorService service, Backbone next) throws Exception {
    CompletableFuture<String> done;
    try {
      smokeTest(next);
      done = service.swapBackbone(next);
    } catch (RuntimeException e) {
      next.close();
      throw e;
    }
    return await(done, next.id());
  }

  private static String await(CompletableFuture<String> done, String id) throws Exception {
    try {
      return done.get(HAND_OVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "backbone " + id + " was not put in service: " + e.getCause().getMessage(), e);
    }
  }

  private static void closeQuietly(Backbone backbone) {
    try {
      backbone.close();
    } catch (RuntimeException e) {
      // refused anyway: the install's own error is the one to report
    }
  }

  /** Embeds one grey frame; throws unless it gives one finite row of the backbone's dimension. */
  public static void smokeTest(Backbone backbone) {
    BufferedImage grey = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
    var g = grey.createGraphics();
    g.setColor(java.awt.Color.GRAY);
    g.fillRect(0, 0, 64, 48);
    g.dispose();
    float[][] rows;
    try {
      rows = backbone.embedFrames(List.of(FrameInput.of(grey)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "backbone " + backbone.id() + " failed to embed a grey frame: " + e.getMessage(), e);
    }
    if (rows == null || rows.length != 1 || rows[0] == null) {
      throw new IllegalArgumentException("backbone " + backbone.id() + " returned no row");
    }
    if (rows[0].length != backbone.dimension()) {
      throw new IllegalArgumentException(
          "backbone "
              + backbone.id()
              + " returned "
              + rows[0].length
              + " values, it announces "
              + backbone.dimension());
    }
    for (float v : rows[0]) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(
            "backbone " + backbone.id() + " returned a non-finite value (" + v + ")");
      }
    }
  }
}
