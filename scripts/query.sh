#!/usr/bin/env bash
# Spark SQL over the metric tables: scripts/query.sh [--out DIR] [--format table|csv|json] [--conf FILE] "SQL"
# (--conf: a HOCON file whose drilldown.spark.settings reach the store, e.g. an s3a:// endpoint and keys)
# Views: runs (latest row per run), runs_history, epochs, steps, iterations, worker_stats, data_stats.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
run_cli query "$@"
