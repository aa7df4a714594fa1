/**
 * Reads video (files, RTSP and HTTP streams), samples it to the model's step rate, encodes JPEG and
 * publishes frames to {@link io.oad.contract.Topics#FRAMES}. Knows nothing of models.
 *
 * <p>Entry points: {@link io.oad.ingest.IngestOptions}, {@link io.oad.ingest.VideoIngestor}, {@link
 * io.oad.ingest.IngestMetrics} and {@link io.oad.ingest.CameraSupervisor} (a camera file). Offline
 * work on video (composing datasets, the synthetic test video) lives in the {@code datasets}
 * module.
 */
package io.oad.ingest;
