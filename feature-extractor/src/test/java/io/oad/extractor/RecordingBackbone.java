package io.oad.extractor;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps a backbone and remembers the size of every batch and every {@link FrameInput} it was given;
 * it can claim to use previous frames so that callers pass them.
 */
final class RecordingBackbone implements Backbone {
  private final Backbone delegate;
  private final boolean usesPreviousFrame;
  final List<Integer> batchSizes = new ArrayList<>();
  final List<FrameInput> frames = new ArrayList<>();
  boolean closed;

  RecordingBackbone(Backbone delegate) {
    this(delegate, false);
  }

  RecordingBackbone(Backbone delegate, boolean usesPreviousFrame) {
    this.delegate = delegate;
    this.usesPreviousFrame = usesPreviousFrame;
  }

  @Override
  public boolean usesPreviousFrame() {
    return usesPreviousFrame;
  }

  @Override
  public float[][] embedFrames(List<FrameInput> batch) {
    batchSizes.add(batch.size());
    frames.addAll(batch);
    return delegate.embedFrames(batch);
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public float[][] embed(List<BufferedImage> images) {
    batchSizes.add(images.size());
    return delegate.embed(images);
  }

  @Override
  public void close() {
    closed = true;
    delegate.close();
  }
}
