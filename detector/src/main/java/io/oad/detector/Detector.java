package io.oad.detector;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.oad.detector.archive.ModelArchive;
import io.oad.detector.archive.ModelManifest;
import io.oad.detector.model.OadtrBlock;
import io.oad.detector.weights.OfficialConfig;
import io.oad.detector.weights.OfficialWeights;
import io.oad.detector.weights.SeededInit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Facade over an OadTR model: takes a batch of windows, returns current-step and future-step
 * probabilities. Owns the model's native memory; {@link #close()} frees it. Predictions are
 * serialised on one lock, so one instance may be shared by threads.
 */
public final class Detector implements AutoCloseable {
  private static final String ENGINE = "PyTorch";

  /** Probabilities (or logits) for a batch: current [B][C], future [B][F][C]. */
  public record Output(float[][] current, float[][][] future) {}

  private final OadtrConfig config;
  private final List<String> classNames;
  private final String modelId;
  private final FeatureSpec feature;
  private final NDManager manager;
  private final OadtrBlock block;
  private final ParameterStore store;
  private final Object lock = new Object();
  private volatile FutureBlend blend;
  private boolean closed;

  private Detector(ModelManifest manifest, NDManager manager, OadtrBlock block) {
    this.config = manifest.config();
    this.classNames = manifest.classNames();
    this.modelId = manifest.modelId();
    this.feature = manifest.feature();
    this.blend = manifest.blend();
    this.manager = manager;
    this.block = block;
    this.store = new ParameterStore(manager, false);
  }

  /** A model with seeded random weights (PyTorch's default initialisations). */
  public static Detector create(OadtrConfig config, List<String> classNames, long seed) {
    Objects.requireNonNull(config, "config");
    return create(config, classNames, seed, new FeatureSpec(config.featureDim(), null));
  }

  /** A model with seeded random weights that declares the features it expects. */
  public static Detector create(
      OadtrConfig config, List<String> classNames, long seed, FeatureSpec feature) {
    ModelManifest manifest =
        new ModelManifest(
            ModelManifest.FORMAT,
            randomModelId(config, classNames, seed),
            config,
            classNames,
            feature,
            ModelManifest.WEIGHTS_FILE);
    return build(manifest, block -> SeededInit.apply(block, seed));
  }

  /**
   * A model from an official checkpoint exported as npz (state-dict names) with its CONFIG.json.
   */
  public static Detector fromOfficial(
      Path weightsNpz, Path officialConfigJson, List<String> classNames, String modelId) {
    OadtrConfig config = OfficialConfig.read(officialConfigJson);
    ModelManifest manifest =
        new ModelManifest(
            ModelManifest.FORMAT,
            modelId,
            config,
            classNames,
            new FeatureSpec(config.featureDim(), null),
            ModelManifest.WEIGHTS_FILE);
    return build(manifest, block -> OfficialWeights.load(block, weightsNpz));
  }

  /** Loads a model archive directory ({@code model.json} + weights). */
  public static Detector load(Path archive) {
    ModelManifest manifest = ModelArchive.readManifest(archive);
    Path weights = archive.resolve(manifest.weights());
    if (!Files.isRegularFile(weights)) {
      throw new IllegalArgumentException("model archive " + archive + " lacks " + weights);
    }
    return build(manifest, block -> OfficialWeights.load(block, weights));
  }

  private static Detector build(
      ModelManifest manifest, java.util.function.Consumer<OadtrBlock> weights) {
    NDManager manager = Engine.getEngine(ENGINE).newBaseManager();
    try {
      OadtrBlock block = new OadtrBlock(manifest.config());
      block.initialize(manager, DataType.FLOAT32, block.inputShape(1));
      block.freezeParameters(true); // inference only: no autograd graph
      weights.accept(block);
      return new Detector(manifest, manager, block);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static String randomModelId(OadtrConfig config, List<String> classNames, long seed) {
    int hash = Objects.hash(config, classNames);
    return "oadtr-seed" + seed + "-" + HexFormat.of().toHexDigits(hash);
  }

  /** Writes this model as an archive directory: {@code model.json} and {@code weights.npz}. */
  public void save(Path archive) {
    ModelManifest manifest =
        new ModelManifest(
                ModelManifest.FORMAT,
                modelId,
                config,
                classNames,
                feature,
                ModelManifest.WEIGHTS_FILE)
            .withBlend(blend);
    synchronized (lock) {
      ensureOpen();
      try {
        Files.createDirectories(archive);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot create " + archive, e);
      }
      OfficialWeights.save(block, archive.resolve(manifest.weights()));
      ModelArchive.writeManifest(archive, manifest);
    }
  }

  /** The configuration. */
  public OadtrConfig config() {
    return config;
  }

  /** Class names, index 0 = background. */
  public List<String> classNames() {
    return classNames;
  }

  /** Identifies the model and its version. */
  public String modelId() {
    return modelId;
  }

  /** The features this model expects. */
  public FeatureSpec featureSpec() {
    return feature;
  }

  /**
   * The anticipation blend applied to the future rows of {@link #predict} and {@link
   * #predictProjected} (not to logits); {@link FutureBlend#none} unless the archive has one.
   */
  public FutureBlend futureBlend() {
    return blend;
  }

  /**
   * Replaces the anticipation blend (e.g. one fitted on validation data); {@link #save} writes it.
   *
   * @throws IllegalArgumentException if it has weights for another number of future steps
   */
  public void setFutureBlend(FutureBlend blend) {
    FutureBlend b = FutureBlend.requireNonNull(blend);
    b.checkSteps(config.futureSteps());
    this.blend = b;
  }

  /**
   * Softmax probabilities for a batch of windows [B][T][featureDim], future rows blended with the
   * current row by {@link #futureBlend}; thread-safe.
   */
  public Output predict(float[][][] windows) {
    return run(windows, true);
  }

  /** Raw logits for a batch of windows [B][T][featureDim]; thread-safe. */
  public Output logits(float[][][] windows) {
    return run(windows, false);
  }

  /**
   * The input projection of OadTR for a batch of steps [N][featureDim] → [N][dModel]: what {@link
   * #predictProjected} takes. A step's projection does not depend on its position in a window
   * (position encodings are added afterwards), so a stream can project each step once, when it
   * arrives, and reuse it in the T windows that contain it. Thread-safe.
   */
  public float[][] project(float[][] steps) {
    Objects.requireNonNull(steps, "steps");
    if (steps.length == 0) {
      throw new IllegalArgumentException("need at least one step to project");
    }
    int d = config.featureDim();
    float[] flat = new float[steps.length * d];
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] == null || steps[i].length != d) {
        throw new IllegalArgumentException(
            "step "
                + i
                + " has "
                + (steps[i] == null ? "no" : steps[i].length)
                + " features; the model needs "
                + d);
      }
      System.arraycopy(steps[i], 0, flat, i * d, d);
    }
    int width = config.dModel();
    synchronized (lock) {
      ensureOpen();
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = scope.create(flat, new Shape(steps.length, d));
        float[] out = block.project(store, x, false).toFloatArray();
        float[][] tokens = new float[steps.length][width];
        for (int i = 0; i < steps.length; i++) {
          System.arraycopy(out, i * width, tokens[i], 0, width);
        }
        return tokens;
      }
    }
  }

  /**
   * Softmax probabilities for a batch of windows of projected steps [B][T][dModel] (rows from
   * {@link #project}); equal to {@link #predict} on the raw windows (future blend included).
   * Thread-safe.
   */
  public Output predictProjected(float[][][] tokens) {
    return run(flatten(tokens, config.dModel(), "projected features"), tokens.length, true, true);
  }

  /** Raw logits for a batch of windows of projected steps [B][T][dModel]; thread-safe. */
  public Output logitsProjected(float[][][] tokens) {
    return run(flatten(tokens, config.dModel(), "projected features"), tokens.length, true, false);
  }

  private Output run(float[][][] windows, boolean softmax) {
    return run(flatten(windows, config.featureDim(), "features"), windows.length, false, softmax);
  }

  private Output run(float[] flat, int batch, boolean projected, boolean softmax) {
    int classes = config.numClasses();
    int future = config.futureSteps();
    int width = projected ? config.dModel() : config.featureDim();
    FutureBlend mix = softmax ? blend : FutureBlend.none();
    synchronized (lock) {
      ensureOpen();
      boolean grad = JniUtils.isGradMode();
      // the engine turns autograd off only on the thread that loaded it; a service thread starts
      // with it on (the frozen parameters already keep it from recording; this skips its checks)
      JniUtils.setGradMode(false);
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = scope.create(flat, new Shape(batch, config.window(), width));
        NDList out =
            projected
                ? block.forwardProjected(store, x, false)
                : block.forward(store, new NDList(x), false);
        NDArray current = softmax ? out.get(0).softmax(-1) : out.get(0);
        NDArray ahead = softmax ? out.get(1).softmax(-1) : out.get(1);
        float[] c = current.toFloatArray();
        float[] f = ahead.toFloatArray();
        float[][] cur = new float[batch][classes];
        float[][][] fut = new float[batch][future][classes];
        for (int b = 0; b < batch; b++) {
          System.arraycopy(c, b * classes, cur[b], 0, classes);
          for (int s = 0; s < future; s++) {
            System.arraycopy(f, (b * future + s) * classes, fut[b][s], 0, classes);
          }
          fut[b] = mix.apply(cur[b], fut[b]);
        }
        return new Output(cur, fut);
      } finally {
        JniUtils.setGradMode(grad);
      }
    }
  }

  private float[] flatten(float[][][] windows, int d, String what) {
    Objects.requireNonNull(windows, "windows");
    if (windows.length == 0) {
      throw new IllegalArgumentException("a batch needs at least one window");
    }
    int t = config.window();
    float[] flat = new float[windows.length * t * d];
    for (int b = 0; b < windows.length; b++) {
      if (windows[b] == null || windows[b].length != t) {
        throw new IllegalArgumentException(
            "window "
                + b
                + " has "
                + (windows[b] == null ? "no" : windows[b].length)
                + " steps; the model needs "
                + t
                + " (use Windows.leftPad)");
      }
      for (int s = 0; s < t; s++) {
        float[] step = windows[b][s];
        if (step == null || step.length != d) {
          throw new IllegalArgumentException(
              "window "
                  + b
                  + " step "
                  + s
                  + " has "
                  + (step == null ? "no" : step.length)
                  + " "
                  + what
                  + "; the model needs "
                  + d);
        }
        System.arraycopy(step, 0, flat, (b * t + s) * d, d);
      }
    }
    return flat;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("detector " + modelId + " is closed");
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (!closed) {
        closed = true;
        manager.close();
      }
    }
  }
}
