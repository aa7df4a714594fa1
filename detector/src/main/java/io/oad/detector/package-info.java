/** Placeholder. */
package io.oad.detector;
