/**
 * Offline evaluation of online action detection, as described in the project's OadTR notes
 * ("Evaluation"): per-frame average precision (mAP, THUMOS14), calibrated average precision (mcAP,
 * TVSeries), per-future-step mAP (anticipation), detection delay per action instance, and JSON /
 * HTML reports.
 *
 * <p>Entry points: {@link io.oad.training.eval.FrameMetrics#evaluate}, {@link
 * io.oad.training.eval.DetectionDelay#measure}, {@link io.oad.training.eval.EvalReport} and {@link
 * io.oad.training.eval.HtmlReport}. Pure Java: no model, no tensors, no Kafka.
 */
package io.oad.training.eval;
