/**
 * Stage 1, storage: every read and write of run output (tables, manifests, checkpoints, reports, liveness) on
 * Hadoop's {@code FileSystem}, so a plain path, {@code file:}, {@code hdfs://} and {@code s3a://} share one code
 * path. What differs per store is named in {@link org.drilldown.storage.Store}.
 */
package org.drilldown.storage;
