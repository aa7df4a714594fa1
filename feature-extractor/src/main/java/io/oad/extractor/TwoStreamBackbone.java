package io.oad.extractor;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The project's trained backbone: sees the current frame (appearance) and its difference to the
 * camera's previous frame (motion) through {@link TwoStreamNetwork} and publishes the network's
 * D-dimensional embedding. Frames without a previous frame get a zero motion plane. Its {@link
 * #id()} is {@code twostream-v1-} plus a hash of the weights, so vectors of different trainings
 * never mix.
 *
 * <p>Stored as a folder: {@value #MANIFEST} (id, input size, channels, dimension, classes) and
 * {@value #PARAMS} (DJL parameters). Thread-confined: one instance per thread.
 */
public final class TwoStreamBackbone implements Backbone {
  /** The manifest file of a backbone folder. */
  public static final String MANIFEST = "backbone.json";

  /** The weights file of a backbone folder. */
  public static final String PARAMS = "backbone.params";

  static final String FORMAT = "oad-twostream-backbone/1";
  private static final String ENGINE = "PyTorch";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What {@value #MANIFEST} holds. */
  record Manifest(String format, String id, TwoStreamConfig network) {}

  private final NDManager manager;
  private final TwoStreamNetwork network;
  private final FrameTensors tensors;
  // grey planes of the frames embedded lately, so that a camera's previous frame is not resized
  // again; weak keys: a frame nobody remembers (PreviousFrames dropped it) is forgotten here too
  private final Map<BufferedImage, float[]> greys = new WeakHashMap<>();
  private final byte[] weights;
  private final String id;
  // the inference form of the network (conv and BatchNorm folded), made at the first embedding
  private TwoStreamNetwork.Folded folded;

  /** Takes ownership of an initialised network and the manager holding its parameters. */
  public TwoStreamBackbone(NDManager manager, TwoStreamNetwork network) {
    this(manager, network, weights(network));
  }

  /**
   * @param weights the serialised parameters of {@code network}, as saved (a network loaded from
   *     them does not necessarily serialise to the same bytes again)
   */
  private TwoStreamBackbone(NDManager manager, TwoStreamNetwork network, byte[] weights) {
    this.manager = manager;
    this.network = network;
    this.tensors = new FrameTensors(network.config().width(), network.config().height());
    this.weights = weights;
    this.id = idOf(weights);
  }

  /**
   * An untrained network with weights drawn from {@code seed} (tests, and the start of training).
   */
  public static TwoStreamBackbone untrained(TwoStreamConfig config, long seed) {
    Engine engine = Engine.getEngine(ENGINE);
    engine.setRandomSeed((int) seed);
    NDManager manager = engine.newBaseManager();
    try {
      TwoStreamNetwork network = new TwoStreamNetwork(config);
      network.initialize(manager, DataType.FLOAT32, network.inputShapes(1));
      return new TwoStreamBackbone(manager, network);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Loads a backbone folder written by {@link #save}.
   *
   * @throws IllegalArgumentException if the folder is incomplete, of another format, or its weights
   *     do not match the id in its manifest
   */
  public static TwoStreamBackbone load(Path dir) {
    Path manifestFile = dir.resolve(MANIFEST);
    Path paramsFile = dir.resolve(PARAMS);
    if (!Files.isRegularFile(manifestFile) || !Files.isRegularFile(paramsFile)) {
      throw new IllegalArgumentException(
          dir + " is not a backbone folder: expected " + MANIFEST + " and " + PARAMS);
    }
    Manifest manifest;
    byte[] weights;
    try {
      manifest = JSON.readValue(manifestFile.toFile(), Manifest.class);
      weights = Files.readAllBytes(paramsFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read backbone " + dir + ": " + e.getMessage(), e);
    }
    if (!FORMAT.equals(manifest.format())) {
      throw new IllegalArgumentException(
          manifestFile + " has format " + manifest.format() + ", expected " + FORMAT);
    }
    if (!idOf(weights).equals(manifest.id())) {
      throw new IllegalArgumentException(
          paramsFile
              + " does not hold the weights of "
              + manifest.id()
              + " ("
              + idOf(weights)
              + ")");
    }
    NDManager manager = Engine.getEngine(ENGINE).newBaseManager();
    try {
      TwoStreamNetwork network = new TwoStreamNetwork(manifest.network());
      network.initialize(manager, DataType.FLOAT32, network.inputShapes(1));
      network.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(weights)));
      return new TwoStreamBackbone(manager, network, weights);
    } catch (IOException | MalformedModelException e) {
      manager.close();
      throw new IllegalArgumentException("cannot load " + paramsFile + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Writes {@value #MANIFEST} and {@value #PARAMS} into {@code dir} (created if needed). */
  public void save(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(PARAMS), weights);
      JSON.writeValue(dir.resolve(MANIFEST).toFile(), new Manifest(FORMAT, id, network.config()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save backbone to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The network (its parameters belong to this backbone: read them, do not close them). */
  public TwoStreamNetwork network() {
    return network;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return network.config().dimension();
  }

  /** The network's shape. */
  public TwoStreamConfig config() {
    return network.config();
  }

  /** Converts frames to this backbone's input tensors. */
  public FrameTensors tensors() {
    return tensors;
  }

  @Override
  public Dimension inputSize() {
    return new Dimension(network.config().width(), network.config().height());
  }

  @Override
  public boolean usesPreviousFrame() {
    return true;
  }

  /** Embeds frames without motion (as at a camera's first frame). */
  @Override
  public float[][] embed(List<BufferedImage> images) {
    return embedFrames(images.stream().map(FrameInput::of).toList());
  }

  @Override
  public float[][] embedFrames(List<FrameInput> frames) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("cannot embed an empty batch");
    }
    List<FrameTensor> converted = new ArrayList<>(frames.size());
    for (FrameInput frame : frames) {
      converted.add(tensors.of(frame, greys));
    }
    return embedTensors(converted);
  }

  /** Embeds frames already converted by {@link #tensors()}. */
  public float[][] embedTensors(List<FrameTensor> frames) {
    int n = frames.size();
    int d = dimension();
    float[] flat;
    try (NDManager batch = manager.newSubManager()) {
      NDList in = inputs(batch, network.config(), frames);
      flat = folded().embed(in.get(0), in.get(1)).toFloatArray();
    }
    float[][] rows = new float[n][d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * d, rows[i], 0, d);
    }
    return rows;
  }

  /** The folded inference form of the network (see {@link TwoStreamNetwork#fold}). */
  private synchronized TwoStreamNetwork.Folded folded() {
    if (folded == null) {
      folded = network.fold(manager);
    }
    return folded;
  }

  /** The network's input arrays for a batch, in {@code manager}. */
  public static NDList inputs(NDManager batch, TwoStreamConfig c, List<FrameTensor> frames) {
    int plane = c.width() * c.height();
    int n = frames.size();
    float[] rgb = new float[n * 3 * plane];
    float[] motion = new float[n * plane];
    for (int i = 0; i < n; i++) {
      FrameTensor t = frames.get(i);
      if (t.motion().length != plane) {
        throw new IllegalArgumentException(
            "frame tensor of " + t.motion().length + " pixels, expected " + plane);
      }
      System.arraycopy(t.rgb(), 0, rgb, i * 3 * plane, 3 * plane);
      System.arraycopy(t.motion(), 0, motion, i * plane, plane);
    }
    NDArray rgbArray = batch.create(rgb, new Shape(n, 3, c.height(), c.width()));
    NDArray motionArray = batch.create(motion, new Shape(n, 1, c.height(), c.width()));
    return new NDList(rgbArray, motionArray);
  }

  private static byte[] weights(TwoStreamNetwork network) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      network.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String idOf(byte[] weights) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(weights);
      return "twostream-v1-" + HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
