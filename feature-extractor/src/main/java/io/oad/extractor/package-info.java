/** Placeholder. */
package io.oad.extractor;
