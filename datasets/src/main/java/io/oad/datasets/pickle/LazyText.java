package io.oad.datasets.pickle;

/** A long text of a pickle left in the file: UTF-8 bytes at {@code offset}. */
record LazyText(long offset, long length) {}
