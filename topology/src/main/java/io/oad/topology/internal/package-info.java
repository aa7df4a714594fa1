/**
 * Implementation of the detector topology: the step-grid and detection processor, the event and
 * liveness processors, their per-camera state and codecs, and the exception handlers that route bad
 * records to the dead-letter topic.
 */
package io.oad.topology.internal;
