/**
 * Composes untrimmed, labelled action streams from trimmed clips (the Weizmann clips in the shared
 * data folder): a seeded order of one subject's clips with background gaps between some of them,
 * written as a real video file plus exact per-frame labels. Untrimmed videos with temporal
 * annotations (CSV or ActivityNet JSON) become the same labelled streams without composing.
 *
 * <p>Entry points: {@link io.oad.datasets.compose.ClipCatalog}, {@link
 * io.oad.datasets.compose.ComposeOptions}, {@link io.oad.datasets.compose.StreamComposer} and
 * {@link io.oad.datasets.compose.ComposedStream}; for untrimmed videos {@link
 * io.oad.datasets.compose.Annotations} and {@link io.oad.datasets.compose.AnnotatedVideos}.
 */
package io.oad.datasets.compose;
