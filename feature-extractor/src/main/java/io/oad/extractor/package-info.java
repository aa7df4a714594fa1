/**
 * Feature extractor: consumes JPEG frames from {@code oad.frames}, embeds them with a DJL {@link
 * io.oad.extractor.Backbone} in batches across cameras, and publishes {@link
 * io.oad.contract.Embedding}s to {@code oad.embeddings}. Entry point: {@link
 * io.oad.extractor.ExtractorService}.
 */
package io.oad.extractor;
