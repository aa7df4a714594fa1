/** Placeholder. */
package io.oad.deploy;
