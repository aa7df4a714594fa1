/**
 * Training data: labelled feature sequences ({@link io.oad.datasets.LabeledSequence}), readers for
 * the OAD research layout of per-video {@code .npy} files, a seeded synthetic generator, and the
 * window dataset that turns sequences into OadTR training windows.
 */
package io.oad.datasets;
