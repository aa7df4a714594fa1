package io.oad.extractor;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A backbone loaded from a TorchScript file (e.g. made with {@code torch.jit.trace}) and run on
 * DJL's PyTorch engine. Each frame is resized (bilinear) to the configured input size, scaled to
 * 0..1 and normalised per channel with the configured mean and standard deviation; the batch goes
 * in as one N x 3 x H x W float tensor. The model must return one tensor whose first axis is N;
 * further axes are flattened (so N x D x 1 x 1 pooling outputs work). The dimension is found by a
 * probe forward pass when the backbone is created.
 *
 * <p>Thread-confined: one instance per thread. Build with {@link #builder()}.
 */
public final class TorchScriptBackbone implements Backbone {
  private final String id;
  private final int inputWidth;
  private final int inputHeight;
  private final float[] mean;
  private final float[] std;
  private final Model model;
  private final ParameterStore parameters;
  private final int dimension;

  private TorchScriptBackbone(Builder b) throws IOException, MalformedModelException {
    this.id = b.id != null ? b.id : "torchscript-" + b.modelPath.getFileName();
    this.inputWidth = b.inputWidth;
    this.inputHeight = b.inputHeight;
    this.mean = b.mean.clone();
    this.std = b.std.clone();
    this.model = Model.newInstance(id, "PyTorch");
    try {
      // loading from a stream sidesteps DJL's file-name conventions for model directories
      try (InputStream in = Files.newInputStream(b.modelPath)) {
        model.load(in);
      }
      this.parameters = new ParameterStore(model.getNDManager(), false);
      this.dimension = probeDimension();
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** A builder; the model path is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  /** Input width the frames are resized to. */
  public int inputWidth() {
    return inputWidth;
  }

  /** Input height the frames are resized to. */
  public int inputHeight() {
    return inputHeight;
  }

  @Override
  public Dimension inputSize() {
    return new Dimension(inputWidth, inputHeight);
  }

  @Override
  public float[][] embed(List<BufferedImage> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("cannot embed an empty batch");
    }
    int n = images.size();
    int plane = inputWidth * inputHeight;
    float[] pixels = new float[n * 3 * plane];
    for (int i = 0; i < n; i++) {
      writeNormalised(images.get(i), pixels, i * 3 * plane);
    }
    float[][] rows = run(pixels, n);
    for (float[] row : rows) {
      if (row.length != dimension) {
        throw new IllegalStateException(
            "model returned " + row.length + " values per frame, expected " + dimension);
      }
    }
    return rows;
  }

  private int probeDimension() {
    float[][] rows = run(new float[3 * inputWidth * inputHeight], 1);
    if (rows[0].length == 0 || rows[0].length > io.oad.contract.Embedding.MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "model output has " + rows[0].length + " values per frame, not a usable embedding");
    }
    return rows[0].length;
  }

  private float[][] run(float[] pixels, int n) {
    try (NDManager batch = model.getNDManager().newSubManager()) {
      NDArray input = batch.create(pixels, new Shape(n, 3, inputHeight, inputWidth));
      NDList output = model.getBlock().forward(parameters, new NDList(input), false);
      if (output.isEmpty()) {
        throw new IllegalStateException("model returned no tensor");
      }
      NDArray first = output.get(0);
      // outputs may be attached to the model's manager: bring them into this batch's scope
      output.attach(batch);
      Shape shape = first.getShape();
      if (shape.dimension() < 2 || shape.get(0) != n) {
        throw new IllegalStateException(
            "model output shape " + shape + " does not start with the batch size " + n);
      }
      int perFrame = (int) (shape.size() / n);
      float[] flat = first.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
      float[][] rows = new float[n][perFrame];
      for (int i = 0; i < n; i++) {
        System.arraycopy(flat, i * perFrame, rows[i], 0, perFrame);
      }
      return rows;
    }
  }

  private void writeNormalised(BufferedImage image, float[] out, int offset) {
    BufferedImage resized = new BufferedImage(inputWidth, inputHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = resized.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, inputWidth, inputHeight, null);
    } finally {
      g.dispose();
    }
    int plane = inputWidth * inputHeight;
    int[] rgb = resized.getRGB(0, 0, inputWidth, inputHeight, null, 0, inputWidth);
    for (int p = 0; p < plane; p++) {
      int v = rgb[p];
      out[offset + p] = (((v >> 16) & 0xFF) / 255f - mean[0]) / std[0];
      out[offset + plane + p] = (((v >> 8) & 0xFF) / 255f - mean[1]) / std[1];
      out[offset + 2 * plane + p] = ((v & 0xFF) / 255f - mean[2]) / std[2];
    }
  }

  @Override
  public void close() {
    model.close();
  }

  /** Builder: {@code setX} for required fields, {@code optX} for the rest. */
  public static final class Builder {
    private Path modelPath;
    private String id;
    private int inputWidth = 224;
    private int inputHeight = 224;
    private float[] mean = {0.485f, 0.456f, 0.406f};
    private float[] std = {0.229f, 0.224f, 0.225f};

    private Builder() {}

    /** The TorchScript file. */
    public Builder setModelPath(Path modelPath) {
      this.modelPath = modelPath;
      return this;
    }

    /** Backbone id written into embeddings; default {@code torchscript-<file name>}. */
    public Builder optId(String id) {
      this.id = id;
      return this;
    }

    /** Size frames are resized to; default 224 x 224. */
    public Builder optInputSize(int width, int height) {
      this.inputWidth = width;
      this.inputHeight = height;
      return this;
    }

    /** Per-channel (R, G, B) mean of 0..1 pixel values; default ImageNet. */
    public Builder optMean(float red, float green, float blue) {
      this.mean = new float[] {red, green, blue};
      return this;
    }

    /** Per-channel (R, G, B) standard deviation; default ImageNet. */
    public Builder optStd(float red, float green, float blue) {
      this.std = new float[] {red, green, blue};
      return this;
    }

    /**
     * Validates, loads the model and probes its output dimension.
     *
     * @throws IllegalArgumentException if a setting is invalid or the file is missing
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalStateException if the file is not a usable TorchScript model
     */
    public TorchScriptBackbone build() {
      Objects.requireNonNull(modelPath, "modelPath must be set");
      if (!Files.isRegularFile(modelPath)) {
        throw new IllegalArgumentException("TorchScript file not found: " + modelPath);
      }
      if (id != null && id.isBlank()) {
        throw new IllegalArgumentException("id must not be blank");
      }
      if (inputWidth < 1 || inputHeight < 1 || inputWidth > 4096 || inputHeight > 4096) {
        throw new IllegalArgumentException(
            "input size must be in 1..4096: " + inputWidth + "x" + inputHeight);
      }
      for (int c = 0; c < 3; c++) {
        if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
          throw new IllegalArgumentException("mean must be finite and std positive, channel " + c);
        }
      }
      try {
        return new TorchScriptBackbone(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + modelPath, e);
      } catch (MalformedModelException e) {
        throw new IllegalStateException("not a TorchScript model: " + modelPath, e);
      }
    }
  }
}
