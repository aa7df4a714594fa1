/**
 * The Kafka Streams application that turns per-frame embeddings into per-step action predictions
 * (frames mapped onto model steps by capture time) and the predictions into action and camera
 * events.
 *
 * <p>Public API: {@link io.oad.topology.DetectorTopology} (wiring), {@link
 * io.oad.topology.DetectConfig} (configuration), {@link io.oad.topology.DetectorApp} (running
 * instance), {@link io.oad.topology.DetectorMetrics} (Prometheus metrics) and {@link
 * io.oad.topology.StepModel}, the model port (the {@code service} module binds the {@code detector}
 * model to it: this module knows no DJL or PyTorch). The {@code internal} sub-package holds the
 * processors, their state and the exception handlers.
 */
package io.oad.topology;
