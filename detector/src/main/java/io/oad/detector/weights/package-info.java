/**
 * Weights in and out of an {@link io.oad.detector.model.OadtrBlock}: official-name npz import and
 * export, the official CONFIG.json fields, and seeded PyTorch-style initialisation.
 */
package io.oad.detector.weights;
