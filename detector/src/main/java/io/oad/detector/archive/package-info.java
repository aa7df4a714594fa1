/**
 * The model archive directory: {@code model.json} manifest next to an official-name weights npz.
 */
package io.oad.detector.archive;
