#!/usr/bin/env bash
# Runs the drill-down in Spark local mode (local[*]; --master URL for another). Builds what is missing and
# fetches MNIST into the repository's data/mnist when no --data is given. Runs from any directory: the paths you
# pass are read from where you are.
#   scripts/run-local.sh                       # all four steps with the configured epochs
#   scripts/run-local.sh --steps 2,4 --epochs 1 --train-limit 4000 --test-limit 1000 --workers 2 --out out/try
# Options: drilldown run --help (scripts/run-local.sh --help).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
run_local run "$@"
