package io.oad.extractor;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Wraps a backbone and remembers the size of every batch it was given. */
final class RecordingBackbone implements Backbone {
  private final Backbone delegate;
  final List<Integer> batchSizes = new ArrayList<>();
  boolean closed;

  RecordingBackbone(Backbone delegate) {
    this.delegate = delegate;
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
