#!/usr/bin/env bash
# The drill-down report of one run: scripts/report.sh [--out DIR] [--run-id ID] [--conf FILE]
# (--conf: a HOCON file whose drilldown.spark.settings reach the store, e.g. an s3a:// endpoint and keys)
# Writes DIR/report/<run_id>/REPORT.md with PNG charts; DIR defaults to out/, the run to the latest started.
# Or --runs A,B [--step S]: one step across runs; or --sweep SWEEP_ID: DIR/report/sweep-SWEEP_ID/REPORT.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
run_cli report "$@"
