/** Placeholder. */
package io.oad.topology;
