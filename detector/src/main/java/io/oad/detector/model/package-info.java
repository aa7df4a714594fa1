/**
 * OadTR as DJL blocks (implementation detail of {@link io.oad.detector.Detector}): {@link
 * io.oad.detector.model.OadtrBlock} and its layers, each able to list its tensors under the names
 * of the official PyTorch state dict.
 */
package io.oad.detector.model;
