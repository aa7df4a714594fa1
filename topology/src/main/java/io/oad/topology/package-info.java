/**
 * The Kafka Streams application that turns per-frame embeddings into per-step action predictions.
 *
 * <p>Public API: {@link io.oad.topology.DetectorTopology} (wiring), {@link
 * io.oad.topology.TopologyConfig} (configuration), {@link io.oad.topology.DetectorApp} (running
 * instance), {@link io.oad.topology.DetectorMetrics} (Prometheus metrics) and {@link
 * io.oad.topology.StepModel} with its adapter {@link io.oad.topology.DetectorStepModel}. The {@code
 * internal} sub-package holds the processor, its state and the exception handlers.
 */
package io.oad.topology;
