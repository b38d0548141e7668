/** Stage 5, metrics: run results as append-only Parquet tables under {@code <out>/metrics/}, and run manifests. */
package org.drilldown.metrics;
