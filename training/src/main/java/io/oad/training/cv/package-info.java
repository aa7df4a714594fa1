/**
 * Leave-one-subject-out cross-validation of the whole recipe (backbone, OadTR, evaluation) over the
 * subjects of a clips folder, and the aggregate of its folds ({@code oad eval --cv}).
 */
package io.oad.training.cv;
