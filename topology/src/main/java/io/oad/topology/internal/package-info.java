/**
 * Implementation of the detector topology: the windowing processor, its per-camera state and serde,
 * and the exception handlers that route bad records to the dead-letter topic.
 */
package io.oad.topology.internal;
