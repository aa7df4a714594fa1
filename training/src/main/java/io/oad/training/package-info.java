/**
 * Training OadTR on labelled feature sequences: the paper's loss, a seeded training loop with
 * checkpoints and resume, and the evaluator that scores every step of a video with a {@link
 * io.oad.detector.Detector}.
 */
package io.oad.training;
