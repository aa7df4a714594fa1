/** Placeholder. */
package io.oad.ingest;
